/// What an agent reports of one rank's shard of one checkpoint at one
/// level: on its way to level 1 (being copied into the rank's staging
/// pool, then all of it staged), durable there (its size and checksum),
/// failed (why), or, at restore, read back or passed over (why).
public struct CheckpointShardEvent: Sendable, Equatable, Codable {
    public enum State: UInt8, Sendable, Codable, CaseIterable {
        case durable = 0
        case failed = 1
        case restored = 2
        case rejected = 3
        case copying = 4
        case staged = 5

        /// Before level 1: the rank's copy into its staging pool.
        public var isProgress: Bool { self == .copying || self == .staged }
    }

    /// The checkpoint's job name (its directory), which outlives a run.
    public var job: String
    public var step: Int64
    public var rank: Int
    public var worldSize: Int
    /// The job attempt whose rank wrote or read it; 0 for an agent's copy
    /// (buddy, level 2), which follows a level-1 set of one attempt.
    public var attempt: Int
    public var level: CheckpointLevel
    public var state: State
    public var bytes: UInt64
    /// XXH3-64 of the shard's bytes before its trailer.
    public var checksum: UInt64
    /// Writing it at this level (the rank's flush, the agent's copy; once
    /// staged, the rank's copy into its pool; restored or passed over: the
    /// restore so far), and how long training waited for this checkpoint's copy.
    public var durationNs: UInt64 = 0
    public var blockedNs: UInt64 = 0
    /// The level's directory on the reporting node (`<root>/<job>/step-…/`).
    public var root: String
    /// Why it failed or was passed over; empty otherwise.
    public var detail: String
    public var atNs: UInt64

    public init(job: String, step: Int64, rank: Int, worldSize: Int, attempt: Int = 0, level: CheckpointLevel, state: State,
                bytes: UInt64 = 0, checksum: UInt64 = 0, root: String, detail: String = "", atNs: UInt64) {
        self.job = job
        self.step = step
        self.rank = rank
        self.worldSize = worldSize
        self.attempt = attempt
        self.level = level
        self.state = state
        self.bytes = bytes
        self.checksum = checksum
        self.root = root
        self.detail = detail
        self.atNs = atNs
    }

    /// A rank's own write (from its first copy on): it claims the step for its attempt.
    public var claimsStep: Bool { attempt > 0 && level == .local && (state.isProgress || state == .durable || state == .failed) }
}
