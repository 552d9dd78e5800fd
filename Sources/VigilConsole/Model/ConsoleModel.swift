import VigilCore
import VigilRecovery

/// Everything the console draws, as last fetched: the views are pure
/// functions of this and of the console's state. Nothing here is fetched by
/// the console itself; the feed fills it.
public struct ConsoleModel: Sendable, Equatable {
    public var summary: ClusterSummary = .empty
    public var nodes: [NodeSummary] = []
    /// The ranks of `rankMap.job` (the console's current job).
    public var rankMap: RankMap = .empty
    public var collectives: CollectiveSummaries?
    /// The link matrix of `linksJob`: traffic and the latest probes.
    public var linksJob: String?
    public var links: [LinkTotal] = []
    public var probes: [LinkProbe] = []
    /// Newest first.
    public var incidents: [StoredIncident] = []
    /// Oldest first, the newest `eventLimit` kept.
    public var events: [ClusterEvent] = []
    public var runs: [JobRun] = []
    /// Newest first, by level.
    public var checkpoints: [StoredCheckpoint] = []
    /// Newest first; and each job's goodput.
    public var recoveries: [StoredRecovery] = []
    public var goodput: [Goodput] = []
    public var feeds: [Feed: FeedStatus] = [:]
    /// Where the data comes from: "api 127.0.0.1:7078", "store PATH (read-only)".
    public var source: String = ""
    /// The time views measure ages against.
    public var nowNs: UInt64 = 0

    public static let eventLimit = 2_000

    public init() {}

    /// Appends events after the ones held, keeping the newest `eventLimit`.
    public mutating func append(events more: [ClusterEvent]) {
        let after = events.last?.id ?? 0
        events += more.filter { $0.id > after }
        if events.count > Self.eventLimit { events.removeFirst(events.count - Self.eventLimit) }
    }

    /// Nodes changed since a cursor, merged into the ones held (the rest keep their last answer).
    public mutating func merge(nodes changed: [NodeSummary]) {
        guard !changed.isEmpty else { return }
        var byName = Dictionary(uniqueKeysWithValues: nodes.map { ($0.name, $0) })
        for node in changed { byName[node.name] = node }
        nodes = byName.values.sorted { $0.name.naturallyPrecedes($1.name) }
    }

    public func status(_ feed: Feed) -> FeedStatus { feeds[feed] ?? FeedStatus() }

    /// The incident `id`, if held.
    public func incident(_ id: Int64) -> StoredIncident? { incidents.first { $0.id == id } }

    /// The jobs a console can show, running ones first.
    public var jobNames: [String] { summary.jobs.map(\.job) }
}
