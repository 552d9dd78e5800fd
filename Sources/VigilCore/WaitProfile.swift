/// How a rank spent an interval, from its in-flight slot sampled by its
/// agent every few milliseconds: how long it was inside a blocking MPI call
/// at all, and, for point-to-point waits, how long with each peer among
/// those it waited on. The raw material of straggler and slow-link
/// detection in programs paced by point-to-point traffic (pipelines, halo
/// exchanges), which have too few collectives to judge.
public struct WaitProfile: Sendable, Equatable, Codable {
    public struct PeerWait: Sendable, Equatable, Codable {
        /// World rank of the peer.
        public var peer: Int
        /// Time blocked in point-to-point calls that listed this peer.
        public var ns: UInt64

        public init(peer: Int, ns: UInt64) {
            self.peer = peer
            self.ns = ns
        }
    }

    /// The time the samples cover.
    public var spanNs: UInt64
    /// Of it, inside any blocking call (collective or point-to-point).
    public var blockedNs: UInt64
    /// Point-to-point waits by peer, longest first, at most `maxPeers`.
    public var peers: [PeerWait]
    /// The longest point-to-point wait that ended in the span (0: none
    /// seen): how long this rank's exchanges take, so a wait is judged
    /// hung against the pace its program and links allow.
    public var longestWaitNs: UInt64

    /// A halo exchange in three dimensions waits on six neighbours.
    public static let maxPeers = 8

    public init(spanNs: UInt64 = 0, blockedNs: UInt64 = 0, peers: [PeerWait] = [], longestWaitNs: UInt64 = 0) {
        self.spanNs = spanNs
        self.blockedNs = blockedNs
        self.peers = peers
        self.longestWaitNs = longestWaitNs
    }

    /// Share of the span outside any blocking call: computing.
    public var computingShare: Double { Self.computingShare(spanNs: spanNs, blockedNs: blockedNs) }

    /// The same for any span (the detector's sums of profiles).
    public static func computingShare(spanNs: UInt64, blockedNs: UInt64) -> Double {
        spanNs > 0 ? 1 - Double(min(blockedNs, spanNs)) / Double(spanNs) : 0
    }
}
