import Synchronization
import VigilConsole
import VigilCore

/// Fetches what the console shows, off the UI thread. Every refresh: the
/// summary, then the feeds the shown view needs, side by side. Each answer
/// goes into the shared model as it comes; a failure is recorded against its
/// feed and the last good data stays. Nothing here waits on the terminal,
/// and the terminal never waits on this.
public final class ConsoleFeed: Sendable {
    /// What the UI shows now: the feeds to fetch, and for which job.
    public struct Needs: Sendable, Equatable {
        public var feeds: Set<Feed>
        public var job: String?

        public init(feeds: Set<Feed>, job: String?) {
            self.feeds = feeds
            self.job = job
        }
    }

    private struct Shared {
        var model = ConsoleModel()
        var version: UInt64 = 0
        var needs = Needs(feeds: [.summary], job: nil)
        var wake = false
        var nodeCursor: UInt64 = 0
        var nodesFullNs: UInt64 = 0
        var collectivesNs: UInt64 = 0
    }

    public let source: any ConsoleSource
    private let refreshNs: UInt64
    private let shared = Mutex(Shared())
    /// The whole node list is fetched this often (cordons change no heartbeat), the changes in between.
    static let fullNodesNs: UInt64 = 10_000_000_000
    static let incidentLimit = 500

    public init(source: any ConsoleSource, refreshNs: UInt64) {
        self.source = source
        self.refreshNs = refreshNs
        shared.withLock { $0.model.source = source.label }
    }

    /// The model as fetched so far, and a number that changes whenever it does.
    public func snapshot() -> (model: ConsoleModel, version: UInt64) {
        shared.withLock { ($0.model, $0.version) }
    }

    /// What the UI shows; a change is fetched at once.
    public func want(_ needs: Needs) {
        shared.withLock { s in
            guard s.needs != needs else { return }
            s.needs = needs
            s.wake = true
        }
    }

    /// Fetch now, the whole node list included (after an action, or `r`).
    public func refreshNow() {
        shared.withLock { s in
            s.wake = true
            s.nodesFullNs = 0
        }
    }

    /// Until cancelled.
    public func run() async {
        while !Task.isCancelled {
            let started = wallClockNanoseconds()
            await fetchRound()
            await pause(untilNs: started + refreshNs)
        }
    }

    /// Sleeps in short slices until the deadline or a wake-up.
    private func pause(untilNs deadline: UInt64) async {
        while !Task.isCancelled, wallClockNanoseconds() < deadline {
            if shared.withLock({ s in defer { s.wake = false }; return s.wake }) { return }
            try? await Task.sleep(for: .milliseconds(25))
        }
    }

    func fetchRound() async {
        let needs = shared.withLock { $0.needs }
        await fetch(.summary) { source in
            let summary = try await source.summary()
            return { $0.summary = summary }
        }
        let job = needs.job ?? shared.withLock { $0.model.summary.jobs.first?.job }
        await withTaskGroup(of: Void.self) { group in
            for feed in needs.feeds where feed != .summary {
                group.addTask { await self.fetch(feed, job: job) }
            }
        }
    }

    private func fetch(_ feed: Feed, job: String?) async {
        let now = wallClockNanoseconds()
        switch feed {
        case .summary: break
        case .nodes:
            let (cursor, full) = shared.withLock { s -> (UInt64, Bool) in
                let full = now - min(now, s.nodesFullNs) >= Self.fullNodesNs
                if full { s.nodesFullNs = now }
                return (full ? 0 : s.nodeCursor, full)
            }
            await fetch(.nodes) { source in
                let nodes = try await source.nodes(since: cursor).nodes
                return { model in
                    if full { model.nodes = nodes.sorted { $0.name.naturallyPrecedes($1.name) } } else { model.merge(nodes: nodes) }
                } as @Sendable (inout ConsoleModel) -> Void
            }
            shared.withLock { s in s.nodeCursor = max(s.nodeCursor, s.model.nodes.map(\.lastSeenNs).max() ?? 0) }
        case .ranks:
            guard let job else { return }
            await fetch(.ranks) { source in
                let map = try await source.rankMap(job: job)
                return { $0.rankMap = map }
            }
        case .collectives:
            guard let job else { return }
            let due = shared.withLock { s in
                let due = now - min(now, s.collectivesNs) >= Feed.collectives.minimumPeriodNs || s.model.collectives?.job != job
                if due { s.collectivesNs = now }
                return due
            }
            guard due else { return }
            await fetch(.collectives) { source in
                let data = try await source.collectives(job: job)
                return { $0.collectives = data }
            }
        case .links:
            guard let job else { return }
            await fetch(.links) { source in
                let (links, probes) = try await source.links(job: job)
                return { model in
                    model.linksJob = job
                    model.links = links
                    model.probes = probes
                }
            }
        case .incidents:
            await fetch(.incidents) { source in
                let incidents = try await source.incidents(limit: Self.incidentLimit)
                return { $0.incidents = incidents }
            }
        case .events:
            let after = shared.withLock { s in
                s.model.events.last?.id ?? max(0, s.model.summary.latestEventID - Int64(ConsoleModel.eventLimit))
            }
            await fetch(.events) { source in
                let events = try await source.events(after: after)
                return { $0.append(events: events) }
            }
        case .runs:
            await fetch(.runs) { source in
                let runs = try await source.runs()
                return { $0.runs = runs }
            }
        case .checkpoints:
            await fetch(.checkpoints) { source in
                let checkpoints = try await source.checkpoints()
                return { $0.checkpoints = checkpoints }
            }
        case .recoveries:
            await fetch(.recoveries) { source in
                let (recoveries, goodput) = try await source.recoveries()
                return { model in
                    model.recoveries = recoveries
                    model.goodput = goodput
                }
            }
        }
    }

    /// Runs one fetch; applies what it returns, or records why it failed.
    private func fetch(_ feed: Feed, _ body: (any ConsoleSource) async throws -> @Sendable (inout ConsoleModel) -> Void) async {
        do {
            let apply = try await body(source)
            let now = wallClockNanoseconds()
            shared.withLock { s in
                apply(&s.model)
                s.model.feeds[feed, default: FeedStatus()].succeeded(atNs: now)
                s.version += 1
            }
        } catch {
            let now = wallClockNanoseconds()
            shared.withLock { s in
                s.model.feeds[feed, default: FeedStatus()].failed("\(error)", atNs: now)
                s.version += 1
            }
        }
    }
}
