/// One rank's point-to-point traffic with one peer over a window: a cell
/// of the node × node link matrix once the server maps ranks to nodes.
public struct LinkWindow: Sendable, Equatable, Codable {
    public var job: String
    public var rank: Int
    public var peer: Int
    /// Wall-clock ns (Unix epoch).
    public var startNs: UInt64
    public var endNs: UInt64
    public var traffic: PeerTraffic

    public init(job: String, rank: Int, peer: Int, startNs: UInt64, endNs: UInt64, traffic: PeerTraffic) {
        self.job = job
        self.rank = rank
        self.peer = peer
        self.startNs = startNs
        self.endNs = endNs
        self.traffic = traffic
    }
}
