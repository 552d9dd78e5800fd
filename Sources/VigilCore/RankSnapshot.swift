/// A rank's state as its agent last saw it: sent every heartbeat so the
/// server knows progress and blocked calls without every record.
public struct RankSnapshot: Sendable, Equatable, Codable {
    public struct Progress: Sendable, Equatable, Codable {
        public var communicator: UInt64
        public var size: UInt32
        public var lastSeqEntered: UInt64
        public var lastSeqLeft: UInt64

        public init(communicator: UInt64, size: UInt32, lastSeqEntered: UInt64, lastSeqLeft: UInt64) {
            self.communicator = communicator
            self.size = size
            self.lastSeqEntered = lastSeqEntered
            self.lastSeqLeft = lastSeqLeft
        }
    }

    /// The exit status of a rank that died after SIGTERM (128 + 15, as a
    /// shell reports it): asked to stop, not crashed.
    public static let terminatedStatus: Int32 = 143

    public var identity: RankIdentity
    public var status: RankStatus
    public var exitStatus: Int32?
    public var counters: RingCounters
    /// In wall-clock ns (Unix epoch), unlike the agent's local report.
    public var blocked: BlockedCall?
    public var progress: [Progress]
    /// CPU time its cgroup was throttled (CFS quota), cumulative ns; nil
    /// where unreadable. A throttled rank is slow by its own CPU.
    public var cpuThrottledNs: UInt64?
    /// When its agent saw it end (wall-clock ns, the moment its socket
    /// closed): of several ranks failing at once, which failed first.
    public var endedNs: UInt64?
    /// Where its time went since its previous snapshot (nil: not sampled, an ended rank).
    public var waits: WaitProfile?

    public init(identity: RankIdentity, status: RankStatus, exitStatus: Int32?, counters: RingCounters,
                blocked: BlockedCall?, progress: [Progress], cpuThrottledNs: UInt64? = nil, endedNs: UInt64? = nil,
                waits: WaitProfile? = nil) {
        self.identity = identity
        self.status = status
        self.exitStatus = exitStatus
        self.counters = counters
        self.blocked = blocked
        self.progress = progress
        self.cpuThrottledNs = cpuThrottledNs
        self.endedNs = endedNs
        self.waits = waits
    }
}
