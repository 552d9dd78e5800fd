import VigilConsole
import VigilCore
import VigilRecovery
import VigilStore

/// A store opened read-only, for a postmortem: what the server stored, no
/// server needed (no ingest figures, no compute gaps: those live in the
/// server's memory). Actions are refused: the store is not written.
public struct StoreSource: ConsoleSource {
    let store: SQLiteStore
    let path: String
    /// The detector's heartbeat timeout, for up and down.
    let nodeDownAfterNs: UInt64

    public init(path: String, nodeDownAfterNs: UInt64 = 2_000_000_000) throws {
        store = try SQLiteStore(path: path, readOnly: true)
        self.path = path
        self.nodeDownAfterNs = nodeDownAfterNs
    }

    public var label: String { "store \(path) (read-only)" }

    public var refusesActions: String? { "a store opened for a postmortem is read-only" }

    public func summary() async throws -> ClusterSummary {
        let open = try await store.incidents(job: nil, limit: 10_000).map(\.incident).filter { $0.resolvedNs == nil }
        return ClusterSummary.build(nodes: try await store.nodes(), ranks: try await store.ranks(),
                                    runs: try await store.runs(job: nil), openIncidents: open, pace: [:], server: nil,
                                    nowNs: wallClockNanoseconds(), nodeDownAfterNs: nodeDownAfterNs,
                                    latestEventID: try await store.latestEventID(),
                                    notes: try await store.latestNotes(limit: ClusterSummary.noteLimit))
    }

    public func nodes(since cursor: UInt64) async throws -> (nodes: [NodeSummary], cursor: UInt64) {
        let nodes = try await store.nodes().filter { cursor == 0 || $0.lastSeenNs > cursor }
        return (nodes, nodes.map(\.lastSeenNs).max() ?? cursor)
    }

    public func rankMap(job: String) async throws -> RankMap {
        RankMap.build(job: job, ranks: try await store.ranks(job: job), gapsNs: [:], nowNs: wallClockNanoseconds())
    }

    /// The last half minute of what was stored, not of the clock: a postmortem's data is old.
    public func collectives(job: String) async throws -> CollectiveSummaries {
        let newest = try await store.newestWindowNs()
        let items = try await store.collectiveSummaries(job: job, sinceNs: newest - min(newest, 30_000_000_000))
        return CollectiveSummaries(job: job, takenNs: newest, seconds: 30, items: items)
    }

    public func links(job: String) async throws -> (links: [LinkTotal], probes: [LinkProbe]) {
        (try await store.links(job: job, sinceNs: 0), try await store.probes(job: job))
    }

    public func incidents(limit: Int) async throws -> [StoredIncident] { try await store.incidents(job: nil, limit: limit) }

    public func events(after id: Int64) async throws -> [ClusterEvent] { try await store.events(afterID: id, limit: 1_000) }

    public func runs() async throws -> [JobRun] { try await store.runs(job: nil) }

    public func checkpoints() async throws -> [StoredCheckpoint] { try await store.checkpoints(job: nil, limit: 500) }

    public func recoveries() async throws -> (recoveries: [StoredRecovery], goodput: [Goodput]) {
        let recoveries = try await store.recoveries(job: nil)
        let runs = try await store.runs(job: nil)
        let timings = try await store.checkpointTimings(job: nil)
        return (recoveries, Goodput.ofEachJob(runs: runs, recoveries: recoveries, timings: timings,
                                              nowNs: wallClockNanoseconds()))
    }

    public func perform(_ action: ConsoleAction) async throws {
        throw ConsoleSourceError.readOnly(refusesActions ?? "")
    }
}
