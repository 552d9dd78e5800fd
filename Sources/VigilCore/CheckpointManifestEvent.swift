/// What an agent reports after the server asked it to commit a checkpoint
/// at a level: the manifest written under `root` (the checkpoint complete
/// there), or why not.
public struct CheckpointManifestEvent: Sendable, Equatable, Codable {
    public var job: String
    public var step: Int64
    public var level: CheckpointLevel
    public var root: String
    public var written: Bool
    public var detail: String
    public var atNs: UInt64

    public init(job: String, step: Int64, level: CheckpointLevel, root: String, written: Bool, detail: String = "",
                atNs: UInt64) {
        self.job = job
        self.step = step
        self.level = level
        self.root = root
        self.written = written
        self.detail = detail
        self.atNs = atNs
    }
}
