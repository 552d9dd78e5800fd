/// The blocking call a rank is inside right now, from its ring's in-flight
/// slot: a collective instance (communicator, seq), or a point-to-point
/// call (seq 0) and the world ranks it waits on.
public struct BlockedCall: Sendable, Equatable, Codable {
    public var op: CollectiveOp
    public var communicator: UInt64
    public var seq: UInt64
    /// CLOCK_MONOTONIC ns when the rank entered the call.
    public var sinceNs: UInt64
    /// Point-to-point: the peers (world ranks) it waits on, as listed…
    public var peers: [Int]
    /// …of how many (a Waitall on more than the slot lists); 0 for a
    /// receive from MPI_ANY_SOURCE, which waits on no one known.
    public var peerCount: Int

    /// The most peers a report lists.
    public static let maxPeers = 4

    public init(op: CollectiveOp, communicator: UInt64, seq: UInt64, sinceNs: UInt64, peers: [Int] = [], peerCount: Int? = nil) {
        self.op = op
        self.communicator = communicator
        self.seq = seq
        self.sinceNs = sinceNs
        self.peers = peers
        self.peerCount = peerCount ?? peers.count
    }
}
