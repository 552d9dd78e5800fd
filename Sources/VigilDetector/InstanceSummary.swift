import VigilCore

/// One collective instance every member reported, as the server's join sums
/// it up: what the collective cost with everyone present, and who computed
/// longest before it. Times inside the call and gaps between a rank's calls
/// are rank-local: no cross-node clock.
public struct InstanceSummary: Sendable, Equatable {
    public var job: String
    public var communicator: UInt64
    public var seq: UInt64
    public var op: CollectiveOp
    public var size: Int
    public var bytes: UInt64
    /// The shortest time inside (the last to arrive's): what the collective itself costs.
    public var shortestNs: UInt64
    /// The member that computed longest since its previous collective…
    public var gapLeader: Int
    /// …for how long, against the members' mean.
    public var leaderGapNs: UInt64
    public var meanGapNs: UInt64
    /// When the server completed the join.
    public var atNs: UInt64

    public init(job: String, communicator: UInt64, seq: UInt64, op: CollectiveOp, size: Int, bytes: UInt64,
                shortestNs: UInt64, gapLeader: Int, leaderGapNs: UInt64, meanGapNs: UInt64, atNs: UInt64) {
        self.job = job
        self.communicator = communicator
        self.seq = seq
        self.op = op
        self.size = size
        self.bytes = bytes
        self.shortestNs = shortestNs
        self.gapLeader = gapLeader
        self.leaderGapNs = leaderGapNs
        self.meanGapNs = meanGapNs
        self.atNs = atNs
    }

    /// How much longer the gap leader computed than the others, on average:
    /// what a straggler costs every step.
    public var excessGapNs: UInt64 {
        guard size > 1 else { return 0 }
        let othersMean = (meanGapNs * UInt64(size) - min(meanGapNs * UInt64(size), leaderGapNs)) / UInt64(size - 1)
        return leaderGapNs - min(leaderGapNs, othersMean)
    }

    /// Nonblocking collectives return at once: who arrived last means nothing there.
    public var isBlocking: Bool { ![.iallreduce, .ibcast, .iallgather].contains(op) }
}
