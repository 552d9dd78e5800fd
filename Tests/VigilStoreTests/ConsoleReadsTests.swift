import Foundation
import Testing
import VigilCore
import VigilStore

/// The store's reads behind the console: a job's collectives summed over its
/// ranks, the latest probe of each pair, a store opened read-only.
struct ConsoleReadsTests {
    private func withStore(_ body: (SQLiteStore, String) async throws -> Void) async throws {
        let path = NSTemporaryDirectory() + "vigil-console-store-\(UUID().uuidString).sqlite"
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        try await body(try SQLiteStore(path: path), path)
    }

    private func window(rank: Int, calls: Int, durationNs: UInt64, startNs: UInt64) -> StatWindow {
        var w = StatWindow(job: "job-1", rank: rank, key: .init(communicator: 7, op: .allreduce, sizeBucket: 20),
                           startNs: startNs, endNs: startNs + 1_000_000_000)
        for _ in 0..<calls {
            w.add(CollectiveRecord(op: .allreduce, communicator: 7, seq: 1, enterNs: 0, exitNs: durationNs, bytes: 1 << 20,
                                   communicatorSize: 4))
        }
        return w
    }

    @Test func collectivesAreSummedOverRanksAndTheLastArriverNamed() async throws {
        try await withStore { store, _ in
            // Rank 2 spends least inside: the others wait for it.
            let windows = (0..<4).map { window(rank: $0, calls: 10, durationNs: $0 == 2 ? 100_000 : 900_000, startNs: 5_000_000_000) }
            let old = window(rank: 0, calls: 1_000, durationNs: 1, startNs: 1_000)
            _ = try await store.store(TelemetryBatch(seq: 1, items: (windows + [old]).map { .stats($0) }), from: "n",
                                      receivedAtNs: 1)
            let summaries = try await store.collectiveSummaries(job: "job-1", sinceNs: 4_000_000_000)
            #expect(summaries.count == 1)
            let s = try #require(summaries.first)
            #expect(s.communicator == 7 && s.op == .allreduce && s.size == 4 && s.ranks == 4 && s.calls == 10,
                    "the window before sinceNs is left out")
            #expect(s.lastArriver == 2 && s.lastArriverMeanNs == 100_000 && s.othersMeanNs == 900_000)
            // 40 MiB over 4 ranks in 28 ms inside, times 2·3/4 (allreduce).
            let expected = Double(40 << 20) / 0.028 * 1.5
            #expect(abs((s.busBandwidth ?? 0) - expected) / expected < 1e-9)
        }
    }

    @Test func theLatestProbeOfEachPairIsKept() async throws {
        try await withStore { store, _ in
            let first = LinkProbe(job: "job-1", from: "a", to: "b", rttNs: 100, bytes: 1 << 20, transferNs: 10_000_000, atNs: 10)
            var newer = first
            (newer.transferNs, newer.atNs) = (40_000_000, 20)
            var late = first
            late.atNs = 5  // arrives last, measured first: not the latest
            let other = LinkProbe(job: "job-1", from: "a", to: "c", rttNs: 90, bytes: 0, transferNs: 0, atNs: 30)
            for (seq, probe) in [first, newer, late, other].enumerated() {
                _ = try await store.store(TelemetryBatch(seq: UInt64(seq + 1), items: [.probe(probe)]), from: "a", receivedAtNs: 1)
            }
            #expect(try await store.probes(job: "job-1") == [newer, other])
            #expect(try await store.probes(job: "job-2").isEmpty)
            #expect(try await store.latestEventID() == 4, "each probe is on the timeline too")
        }
    }

    @Test func aReadOnlyStoreReadsWhatTheServerWrote() async throws {
        try await withStore { store, path in
            _ = try await store.setCordoned("node-x", true, reason: nil, atNs: 1)
            let reader = try SQLiteStore(path: path, readOnly: true)
            #expect(try await reader.nodes().map(\.name) == ["node-x"])
            await #expect(throws: (any Error).self, "it writes nothing") { _ = try await reader.setCordoned("node-y", true, reason: nil, atNs: 2) }
            #expect(throws: StoreError.self) { _ = try SQLiteStore(path: path + ".missing", readOnly: true) }
        }
    }

    @Test func incidentsCanBeLimited() async throws {
        try await withStore { store, _ in
            let incidents = (0..<5).map { i in
                Incident(job: "j", incidentClass: .straggler, suspects: [.init(node: "n", rank: i)], confidence: 1,
                         evidence: .init(summary: "s"), firstSeenNs: UInt64(i), detectedNs: UInt64(i))
            }
            try await store.saveIncidents(incidents, atNs: 10)
            #expect(try await store.incidents(job: nil, limit: 2).map(\.incident.suspects[0].rank) == [4, 3])
        }
    }
}
