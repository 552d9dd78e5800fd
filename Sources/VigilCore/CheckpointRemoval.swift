/// Retention's ask of one agent: remove a checkpoint's level under `root`.
public struct CheckpointRemoval: Sendable, Equatable {
    public var key: CheckpointLedger.Key
    public var root: String

    public init(key: CheckpointLedger.Key, root: String) {
        self.key = key
        self.root = root
    }
}
