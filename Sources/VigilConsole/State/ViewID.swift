/// The console's views. The tab bar lists those with a number key, in
/// the keyboard's order (0 last).
public enum ViewID: String, Sendable, CaseIterable, Hashable {
    case overview, ranks, nodes, collectives, links, incidents, evidence, timeline, runs, checkpoints, recovery, help

    /// The number key that opens it, for views on the tab bar.
    public var number: Int? {
        switch self {
        case .overview: 1
        case .ranks: 2
        case .nodes: 3
        case .collectives: 4
        case .links: 5
        case .incidents: 6
        case .timeline: 7
        case .runs: 8
        case .checkpoints: 9
        case .recovery: 0
        case .evidence, .help: nil
        }
    }

    public var title: String {
        switch self {
        case .overview: "Overview"
        case .ranks: "Ranks"
        case .nodes: "Nodes"
        case .collectives: "Collectives"
        case .links: "Links"
        case .incidents: "Incidents"
        case .evidence: "Evidence"
        case .timeline: "Timeline"
        case .runs: "Runs"
        case .checkpoints: "Checkpoints"
        case .recovery: "Recovery"
        case .help: "Help"
        }
    }

    public static let tabs: [ViewID] = allCases.filter { $0.number != nil }.sorted { ($0.number! + 9) % 10 < ($1.number! + 9) % 10 }

    public static func numbered(_ n: Int) -> ViewID? { tabs.first { $0.number == n } }

    /// What the view draws from: the feeds to keep fresh while it is shown.
    public var feeds: Set<Feed> {
        switch self {
        case .overview: [.summary, .incidents]
        case .ranks: [.summary, .ranks]
        case .nodes: [.summary, .nodes]
        case .collectives: [.summary, .collectives]
        case .links: [.summary, .links]
        case .incidents, .evidence: [.summary, .incidents]
        case .timeline: [.summary, .events]
        case .runs: [.summary, .runs]
        case .checkpoints: [.summary, .checkpoints]
        case .recovery: [.summary, .recoveries]
        case .help: [.summary]
        }
    }

    /// The feed whose age the view's status line gives.
    public var mainFeed: Feed {
        switch self {
        case .overview, .help: .summary
        case .ranks: .ranks
        case .nodes: .nodes
        case .collectives: .collectives
        case .links: .links
        case .incidents, .evidence: .incidents
        case .timeline: .events
        case .runs: .runs
        case .checkpoints: .checkpoints
        case .recovery: .recoveries
        }
    }
}
