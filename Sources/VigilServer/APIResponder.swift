import Foundation
import VigilCore
import VigilMetrics
import VigilRecovery
import VigilSlurm

/// Answers API requests from the store, as JSON. Lists that can be asked
/// for "since a cursor" come with the cursor to ask with next time.
struct APIResponder: Sendable {
    let store: any TelemetryStore
    let detector: DetectorService
    let reads: ConsoleReads
    var recoveries: (any RecoveryStore)?
    var recovery: RecoveryCoordinator?
    var lifecycle: JobLifecycle?
    let exporter: MetricsExporter

    struct Page<Item: Encodable>: Encodable {
        var cursor: UInt64
        var items: [Item]
    }

    /// Per job (of one, or of all with an attempt), newest attempt's job first.
    func goodput(job: String?) async throws -> [Goodput] {
        let runs = try await store.runs(job: job)
        let recoveries = try await recoveries?.recoveries(job: job) ?? []
        let timings = try await store.checkpointTimings(job: job)
        return Goodput.ofEachJob(runs: runs, recoveries: recoveries, timings: timings, nowNs: wallClockNanoseconds())
    }

    /// The server's gauges, sampled now (ServerMetrics).
    func metricSamples() async throws -> [MetricSample] {
        let now = wallClockNanoseconds()
        let nodes = try await store.nodes()
        let summary = try await reads.summary(nodes: nodes, nowNs: now)
        var checkpoints: [String: [StoredCheckpoint]] = [:]
        for job in summary.jobs { checkpoints[job.job] = try await store.checkpoints(job: job.job, limit: 8) }
        var goodput: [Goodput] = []  // per current job: the store's whole history is not read at every scrape
        for job in summary.jobs { goodput += try await self.goodput(job: job.job) }
        return ServerMetrics.samples(summary: summary, nodes: nodes, goodput: goodput, checkpoints: checkpoints, nowNs: now)
    }

    func respond(to request: APIRequest) async throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        switch request {
        case .health:
            return try encoder.encode(["status": "ok", "backend": lifecycle?.backend.name ?? "none"])
        case .metrics:
            return Data(exporter.scrape(try await metricSamples()).utf8)
        case .summary:
            return try await reads.summary(encoder: encoder)
        case .rankMap(let job):
            return try await reads.rankMap(job: job, encoder: encoder)
        case .collectiveSummaries(let job, let seconds):
            return try await reads.collectives(job: job, seconds: seconds, encoder: encoder)
        case .probes(let job):
            return try encoder.encode(try await store.probes(job: job))
        case .nodes(let since):
            // since 0 is the full list, nodes cordoned before any agent ran there included
            let states = await lifecycle?.backend.nodeStates() ?? [:]
            let nodes = try await store.nodes().filter { since == 0 || $0.lastSeenNs > since }.map { node in
                var node = node
                node.scheduler = states[node.name]
                return node
            }
            return try encoder.encode(Page(cursor: nodes.map(\.lastSeenNs).max() ?? since, items: nodes))
        case .ranks(let job, let since):
            let ranks = try await store.ranks(job: job).filter { $0.updatedNs > since }
            return try encoder.encode(Page(cursor: ranks.map(\.updatedNs).max() ?? since, items: ranks))
        case .collectives(let job):
            return try encoder.encode(try await store.collectiveTotals(job: job))
        case .accounts(let job):
            return try encoder.encode(try await store.accounts(job: job))
        case .arrivals(let job):
            return try encoder.encode(detector.tallies(job: job))
        case .runs(let job):
            return try encoder.encode(try await store.runs(job: job))
        case .links(let job, let since):
            return try encoder.encode(try await store.links(job: job, sinceNs: since))
        case .events(let after):
            return try encoder.encode(try await store.events(afterID: after, limit: 1_000))
        case .incidents(let job, let limit):
            return try encoder.encode(try await store.incidents(job: job, limit: limit))
        case .checkpoints(let job):
            return try encoder.encode(try await store.checkpoints(job: job, limit: 1_000))
        case .recoveries(let job):
            return try encoder.encode(try await recoveries?.recoveries(job: job) ?? [])
        case .goodput(let job):
            return try encoder.encode(try await goodput(job: job))
        case .approve(let id):
            guard let recovery else { throw APIError.notFound("recovery is off on this server") }
            do {
                return try encoder.encode(try await recovery.approve(id, nowNs: wallClockNanoseconds()))
            } catch let error as RecoveryError {
                throw APIError.notFound(error.description)
            }
        case .restart(let job, let exclude, let dryRun):
            guard let recovery else { throw APIError.notFound("recovery is not set up on this server") }
            do {
                return try encoder.encode(try await recovery.restart(job: job, excluding: Set(exclude), dryRun: dryRun,
                                                                     nowNs: wallClockNanoseconds()))
            } catch let error as RecoveryError {
                throw APIError.badRequest(error.description)
            }
        case .launch(let spec, let timeoutNs):
            return try encoder.encode(try await jobs { try await $0.launch(spec, startTimeoutNs: timeoutNs) })
        case .stop(let job, let graceNs):
            return try encoder.encode(try await jobs { try await $0.stop(job: job, graceNs: graceNs) })
        case .shards(let job, let step):
            return try encoder.encode(try await store.checkpointShards(job: job, step: step))
        case .pin(let job, let step, let pinned):
            guard try await store.setCheckpointPinned(job: job, step: step, pinned) else {
                throw APIError.notFound("checkpoint \(job) step \(step)")
            }
            return try encoder.encode(CheckpointPin(job: job, step: step, pinned: pinned))
        case .note(let note):
            return try encoder.encode(try await store.addNote(note, atNs: wallClockNanoseconds()))
        case .cordon(let node, let cordoned):
            return try encoder.encode(try await jobs { lifecycle in
                cordoned ? try await lifecycle.cordon(node, cause: .byOperator) : try await lifecycle.uncordon(node)
            })
        }
    }

    /// A change through the job lifecycle, its errors as the API says them.
    private func jobs<T: Sendable>(_ change: (JobLifecycle) async throws -> T) async throws -> T {
        guard let lifecycle else { throw APIError.notFound("this server starts no jobs") }
        do {
            return try await change(lifecycle)
        } catch let error as JobLifecycleError {
            switch error {
            case .refused: throw APIError.conflict(error.description)
            case .noSuchJob: throw APIError.notFound(error.description)
            case .backend: throw APIError.unavailable(error.description)
            }
        } catch let error as SlurmError {
            throw APIError.unavailable(error.description)
        }
    }
}
