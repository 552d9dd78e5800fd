/// A snapshot of an agent's local ranks: the answer to `RANKS`, printed by
/// `vigil agent ranks` as tables or JSON.
public struct AgentReport: Sendable, Equatable, Codable {
    public var host: String
    public var agentPid: Int32
    /// CLOCK_MONOTONIC ns at the agent when the snapshot was taken.
    public var takenAtNs: UInt64
    public var ranks: [Rank]

    public init(host: String, agentPid: Int32, takenAtNs: UInt64, ranks: [Rank]) {
        self.host = host
        self.agentPid = agentPid
        self.takenAtNs = takenAtNs
        self.ranks = ranks
    }

    public struct Rank: Sendable, Equatable, Codable {
        public var identity: RankIdentity
        public var status: RankStatus
        public var exitStatus: Int32?
        public var counters: RingCounters
        public var produced: UInt64
        public var observed: UInt64
        public var rejected: UInt64
        /// Instance events beyond the per-interval cap, not sent upstream.
        public var instancesOverflowed: UInt64
        public var blocked: BlockedCall?
        public var communicators: [Communicator]
        public var peers: [PeerTraffic]
    }

    public struct Communicator: Sendable, Equatable, Codable {
        public var id: UInt64
        public var size: UInt32
        public var records: UInt64
        public var firstSeq: UInt64
        public var lastSeqLeft: UInt64
        public var lastSeqEntered: UInt64
        public var missingSeqs: UInt64
        public var completedOutOfOrder: UInt64
        public var ops: [String: UInt64]
        public var bytes: UInt64
        public var timeInCallsNs: UInt64
        public var failures: UInt64
    }
}

extension AgentReport.Rank {
    public init(_ telemetry: RankTelemetry) {
        identity = telemetry.identity
        status = telemetry.status
        exitStatus = telemetry.exitStatus
        counters = telemetry.counters
        produced = telemetry.counters.produced
        observed = telemetry.observed
        rejected = telemetry.rejected
        instancesOverflowed = telemetry.instancesOverflowed
        blocked = telemetry.blocked
        communicators = telemetry.communicators.values
            .sorted { $0.communicator < $1.communicator }
            .map { AgentReport.Communicator($0, lastSeqEntered: telemetry.lastSeqEntered(on: $0.communicator)) }
        peers = telemetry.peers.values.sorted { $0.peer < $1.peer }
    }
}

extension AgentReport.Communicator {
    public init(_ progress: CommunicatorProgress, lastSeqEntered: UInt64) {
        id = progress.communicator
        size = progress.size
        records = progress.records
        firstSeq = progress.records == 0 ? 0 : progress.firstSeq
        lastSeqLeft = progress.lastSeqLeft
        self.lastSeqEntered = lastSeqEntered
        missingSeqs = progress.missingSeqs
        completedOutOfOrder = progress.completedOutOfOrder
        ops = progress.opCounts
        bytes = progress.bytes
        timeInCallsNs = progress.timeInCallsNs
        failures = progress.failures
    }
}
