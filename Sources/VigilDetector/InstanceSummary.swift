import VigilCore

/// One collective instance every member reported, as the server's join sums
/// it up: who came last and how long the others waited for it. Times inside
/// the call need no cross-node clock.
public struct InstanceSummary: Sendable, Equatable {
    public var job: String
    public var communicator: UInt64
    public var seq: UInt64
    public var op: CollectiveOp
    public var size: Int
    /// The member with the shortest time inside: the last to arrive.
    public var lastArriver: Int
    /// The last arriver's time inside: what the collective itself costs.
    public var shortestNs: UInt64
    /// The members' mean time inside: the cost plus their wait for the last.
    public var meanNs: UInt64
    /// When the server completed the join.
    public var atNs: UInt64

    public init(job: String, communicator: UInt64, seq: UInt64, op: CollectiveOp, size: Int, lastArriver: Int,
                shortestNs: UInt64, meanNs: UInt64, atNs: UInt64) {
        self.job = job
        self.communicator = communicator
        self.seq = seq
        self.op = op
        self.size = size
        self.lastArriver = lastArriver
        self.shortestNs = shortestNs
        self.meanNs = meanNs
        self.atNs = atNs
    }

    /// How long the members waited, on average, for the last to arrive.
    public var lagNs: UInt64 { meanNs - min(meanNs, shortestNs) }

    /// Nonblocking collectives return at once: who arrived last means nothing there.
    public var isBlocking: Bool { ![.iallreduce, .ibcast, .iallgather].contains(op) }
}
