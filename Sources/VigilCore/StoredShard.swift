/// One rank's shard of one checkpoint at one level, as the store last
/// heard of it: copying, staged, durable or failed, with its size,
/// checksum and what it cost.
public struct StoredShard: Sendable, Equatable, Codable {
    public var level: CheckpointLevel
    public var rank: Int
    public var node: String
    public var root: String
    public var state: CheckpointShardEvent.State
    public var bytes: UInt64
    public var checksum: UInt64
    /// Its write at this level (while staged: the copy into the pool).
    public var durationNs: UInt64
    /// At level 1: the rank's copy of its state into the staging pool
    /// (the lazy copy, overlapping training), once staged.
    public var copyNs: UInt64
    public var blockedNs: UInt64
    public var detail: String
    public var atNs: UInt64

    public init(level: CheckpointLevel, rank: Int, node: String, root: String, state: CheckpointShardEvent.State,
                bytes: UInt64, checksum: UInt64, durationNs: UInt64, copyNs: UInt64 = 0, blockedNs: UInt64, detail: String,
                atNs: UInt64) {
        self.copyNs = copyNs
        self.level = level
        self.rank = rank
        self.node = node
        self.root = root
        self.state = state
        self.bytes = bytes
        self.checksum = checksum
        self.durationNs = durationNs
        self.blockedNs = blockedNs
        self.detail = detail
        self.atNs = atNs
    }

    /// Bytes over the time it took at this level.
    public var bytesPerSecond: Double { durationNs == 0 ? 0 : Double(bytes) * 1e9 / Double(durationNs) }
}

extension CheckpointShardEvent.State {
    /// How the store, CLI and console name it.
    public var name: String {
        switch self {
        case .durable: "durable"
        case .failed: "failed"
        case .restored: "restored"
        case .rejected: "rejected"
        case .copying: "copying"
        case .staged: "staged"
        }
    }
}
