import Foundation
import Synchronization
import VigilCore

/// The console's reads, encoded and kept briefly: a summary or a rank map
/// scans every rank, so consoles refreshing every second share one scan a
/// second however many there are. Ranks come from the detector's memory (the
/// ranks heard of in its last ten minutes), not decoded from the store.
final class ConsoleReads: Sendable {
    private let store: any TelemetryStore
    private let detector: DetectorService
    private let stats: ServerStats
    private let directory: AgentDirectory
    private let cache = Mutex<[String: (atNs: UInt64, data: Data)]>([:])

    init(store: any TelemetryStore, detector: DetectorService, stats: ServerStats, directory: AgentDirectory) {
        self.store = store
        self.detector = detector
        self.stats = stats
        self.directory = directory
    }

    func summary(encoder: JSONEncoder) async throws -> Data {
        try await cached("summary", forNs: 1_000_000_000) { now in
            try encoder.encode(try await self.summary(nodes: try await self.store.nodes(), nowNs: now))
        }
    }

    func summary(nodes: [NodeSummary], nowNs now: UInt64) async throws -> ClusterSummary {
        let ranks = detector.ranks()
        let worlds = Dictionary(ranks.map { ($0.snapshot.identity.job, $0.snapshot.identity.worldSize) }) { max($0, $1) }
        return ClusterSummary.build(
            nodes: nodes, ranks: ranks, runs: try await store.runs(job: nil),
            openIncidents: detector.openIncidents, pace: stats.pace(worldSizes: worlds, nowNs: now),
            server: stats.pulse(agentsConnected: directory.connected, nowNs: now), nowNs: now,
            nodeDownAfterNs: detector.heartbeatTimeoutNs, latestEventID: try await store.latestEventID(),
            notes: try await store.latestNotes(limit: ClusterSummary.noteLimit))
    }

    func rankMap(job: String, encoder: JSONEncoder) async throws -> Data {
        try await cached("rankmap/\(job)", forNs: 1_000_000_000) { now in
            let map = RankMap.build(job: job, ranks: self.detector.ranks(),
                                    gapsNs: self.detector.computeGaps(job: job), nowNs: now)
            return try encoder.encode(map)
        }
    }

    func collectives(job: String, seconds: Int, encoder: JSONEncoder) async throws -> Data {
        try await cached("collectives/\(job)/\(seconds)", forNs: 5_000_000_000) { now in
            let since = now - min(now, UInt64(seconds) * 1_000_000_000)
            let items = try await self.store.collectiveSummaries(job: job, sinceNs: since)
            return try encoder.encode(CollectiveSummaries(job: job, takenNs: now, seconds: seconds, items: items))
        }
    }

    private func cached(_ key: String, forNs ttl: UInt64, _ make: @Sendable (UInt64) async throws -> Data) async throws -> Data {
        let now = wallClockNanoseconds()
        if let hit = cache.withLock({ $0[key] }), now - min(now, hit.atNs) < ttl { return hit.data }
        let data = try await make(now)
        cache.withLock { entries in
            entries = entries.filter { now - min(now, $0.value.atNs) < 60_000_000_000 }  // jobs long gone drop out
            entries[key] = (now, data)
        }
        return data
    }
}
