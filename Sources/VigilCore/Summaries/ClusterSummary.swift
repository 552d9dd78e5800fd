/// The cluster at a glance, in one small answer: what the console's
/// overview draws every refresh, whatever the cluster's size (its size is
/// the number of jobs, not of ranks or nodes).
public struct ClusterSummary: Sendable, Equatable, Codable {
    /// Wall-clock ns (Unix epoch) the summary describes.
    public var takenNs: UInt64
    /// What the server ingests; nil when read from a store without its server.
    public var server: ServerPulse?
    public var jobs: [JobSummary]
    public var nodes: NodeCounts
    /// Open incidents per class (raw values of `Incident.Class`).
    public var openIncidents: [String: Int]
    /// A node silent for longer than this is down (the detector's heartbeat timeout).
    public var nodeDownAfterNs: UInt64
    /// The newest timeline event: a console asks for events after the one it has.
    public var latestEventID: Int64
    /// The newest notes written on the timeline (`OperatorNote`), newest
    /// first: a console shows a fresh one over every view.
    public var notes: [ClusterEvent]

    public init(takenNs: UInt64, server: ServerPulse?, jobs: [JobSummary], nodes: NodeCounts,
                openIncidents: [String: Int], nodeDownAfterNs: UInt64, latestEventID: Int64, notes: [ClusterEvent] = []) {
        self.takenNs = takenNs
        self.server = server
        self.jobs = jobs
        self.nodes = nodes
        self.openIncidents = openIncidents
        self.nodeDownAfterNs = nodeDownAfterNs
        self.latestEventID = latestEventID
        self.notes = notes
    }

    /// How many of the newest notes a summary carries.
    public static let noteLimit = 3

    private enum CodingKeys: String, CodingKey {
        case takenNs, server, jobs, nodes, openIncidents, nodeDownAfterNs, latestEventID, notes
    }

    /// A summary from a server before notes reads as having none.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(takenNs: try c.decode(UInt64.self, forKey: .takenNs), server: try c.decodeIfPresent(ServerPulse.self, forKey: .server),
                  jobs: try c.decode([JobSummary].self, forKey: .jobs), nodes: try c.decode(NodeCounts.self, forKey: .nodes),
                  openIncidents: try c.decode([String: Int].self, forKey: .openIncidents),
                  nodeDownAfterNs: try c.decode(UInt64.self, forKey: .nodeDownAfterNs),
                  latestEventID: try c.decode(Int64.self, forKey: .latestEventID),
                  notes: try c.decodeIfPresent([ClusterEvent].self, forKey: .notes) ?? [])
    }

    public static let empty = ClusterSummary(takenNs: 0, server: nil, jobs: [], nodes: NodeCounts(), openIncidents: [:],
                                             nodeDownAfterNs: 2_000_000_000, latestEventID: 0)
}
