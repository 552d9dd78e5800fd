/// One rank's part in one collective instance: the raw material of the
/// cross-node join. The rank that arrived last waited the least, so the
/// shortest duration marks the late arriver — no synchronized clocks needed.
public struct InstanceEvent: Sendable, Equatable, Codable {
    public var communicator: UInt64
    public var seq: UInt64
    public var op: CollectiveOp
    public var communicatorSize: UInt32
    public var rank: Int
    /// Wall-clock ns (Unix epoch) when the rank entered the call.
    public var enterNs: UInt64
    public var durationNs: UInt64
    /// Time since the rank left its previous collective: its compute before
    /// this one (0 when unknown). Rank-local, so no cross-node clock.
    public var gapNs: UInt64
    /// The rank's payload in bytes.
    public var bytes: UInt64

    public init(communicator: UInt64, seq: UInt64, op: CollectiveOp, communicatorSize: UInt32, rank: Int,
                enterNs: UInt64, durationNs: UInt64, gapNs: UInt64 = 0, bytes: UInt64 = 0) {
        self.communicator = communicator
        self.seq = seq
        self.op = op
        self.communicatorSize = communicatorSize
        self.rank = rank
        self.enterNs = enterNs
        self.durationNs = durationNs
        self.gapNs = gapNs
        self.bytes = bytes
    }

    /// Communicators with a rank-local id (bit 63) cannot be joined across ranks.
    public static func isJoinable(_ communicator: UInt64) -> Bool {
        communicator != 0 && communicator & (1 << 63) == 0
    }
}

/// A job's instance events from one rank of one attempt over one interval.
public struct InstanceEvents: Sendable, Equatable, Codable {
    public var job: String
    public var attempt: Int
    public var events: [InstanceEvent]

    public init(job: String, attempt: Int = 1, events: [InstanceEvent]) {
        self.job = job
        self.attempt = attempt
        self.events = events
    }
}
