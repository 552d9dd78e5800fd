import Foundation
import Testing
import VigilCore
import VigilStore

/// The SQLite store on a real file: schema, once-only batches, reads.
struct SQLiteStoreTests {
    private func withStore(_ body: (SQLiteStore, String) async throws -> Void) async throws {
        let path = NSTemporaryDirectory() + "vigil-store-\(UUID().uuidString).sqlite"
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        try await body(try SQLiteStore(path: path), path)
    }

    /// `count` calls of 500 ns each (histogram bucket [256, 512)), unless `durationNs` says otherwise.
    private func window(rank: Int, op: CollectiveOp, count: Int, durationNs: UInt64 = 500) -> StatWindow {
        var w = StatWindow(job: "job-1", rank: rank, key: .init(communicator: 1, op: op, sizeBucket: 10),
                           startNs: 1_000, endNs: 2_000)
        for _ in 0..<count {
            w.add(CollectiveRecord(op: op, communicator: 1, seq: 1, enterNs: 0, exitNs: durationNs, bytes: 600,
                                   communicatorSize: 2))
        }
        return w
    }

    private let snapshot = RankSnapshot(
        identity: RankIdentity(job: "job-1", rank: 0, worldSize: 2, pid: 10, host: "node-a"), status: .running,
        exitStatus: nil, counters: RingCounters(consumed: 5, pending: 0, dropped: 1), blocked: nil,
        progress: [.init(communicator: 1 << 63 | 5, size: 2, lastSeqEntered: 5, lastSeqLeft: 5)])

    @Test func storesEachBatchOnceAndSumsCollectives() async throws {
        try await withStore { store, _ in
            #expect(try await store.lastBatch(of: "node-a") == 0)
            let first = TelemetryBatch(seq: 1, items: [.stats(window(rank: 0, op: .allreduce, count: 3)), .rank(snapshot)])
            #expect(try await store.store(first, from: "node-a", receivedAtNs: 10))
            #expect(try await !store.store(first, from: "node-a", receivedAtNs: 11), "a replayed batch is skipped")
            let second = TelemetryBatch(seq: 2, items: [.stats(window(rank: 0, op: .allreduce, count: 4)),
                                                        .stats(window(rank: 1, op: .barrier, count: 2))])
            #expect(try await store.store(second, from: "node-a", receivedAtNs: 12))
            #expect(try await store.lastBatch(of: "node-a") == 2)
            #expect(try await store.lastBatch(of: "node-b") == 0, "batch numbers are per node")

            let totals = try await store.collectiveTotals(job: "job-1")
            #expect(totals == [
                CollectiveTotal(job: "job-1", rank: 0, communicator: 1, op: .allreduce, count: 7, p50Ns: 511, p99Ns: 511),
                CollectiveTotal(job: "job-1", rank: 1, communicator: 1, op: .barrier, count: 2, p50Ns: 511, p99Ns: 511),
            ])
            let ranks = try await store.ranks()
            #expect(ranks.map(\.snapshot) == [snapshot], "64-bit communicator ids survive")
            #expect(ranks.first?.node == "node-a")
        }
    }

    @Test func nodesCarryTheirLatestHealth() async throws {
        try await withStore { store, _ in
            let health = NodeHealth(wallNs: 5, cpuBusyPermille: 250, memoryTotalBytes: 100, memoryAvailableBytes: 40,
                                    load1Centi: 120, diskFreeBytes: 7)
            _ = try await store.store(TelemetryBatch(seq: 1, items: [.health(health)]), from: "node-a", receivedAtNs: 9)
            #expect(try await store.nodes() == [NodeSummary(name: "node-a", lastBatch: 1, lastSeenNs: 9, health: health)])
        }
    }

    @Test func reopeningKeepsEverything() async throws {
        try await withStore { store, path in
            _ = try await store.store(TelemetryBatch(seq: 4, items: [.stats(window(rank: 0, op: .bcast, count: 1))]),
                                      from: "node-a", receivedAtNs: 1)
            let reopened = try SQLiteStore(path: path)
            #expect(try await reopened.lastBatch(of: "node-a") == 4)
            #expect(try await reopened.collectiveTotals(job: "job-1").map(\.count) == [1])
        }
    }

    private func window(rank: Int, startNs: UInt64, count: Int, durationNs: UInt64 = 500) -> StatWindow {
        var w = window(rank: rank, op: .allreduce, count: count, durationNs: durationNs)
        (w.startNs, w.endNs) = (startNs, startNs + 1_000_000_000)
        return w
    }

    /// Raw windows roll up into minutes (a batch replayed late included),
    /// then age out; roll-ups age out later.
    @Test func rollsUpThenForgetsByAge() async throws {
        try await withStore { store, _ in
            let minute: UInt64 = 60_000_000_000, hour = 60 * minute
            let t0 = 1_000 * hour
            _ = try await store.store(TelemetryBatch(seq: 1, items: [.stats(window(rank: 0, startNs: t0, count: 3)),
                                                                     .stats(window(rank: 0, startNs: t0 + 5_000_000_000, count: 4))]),
                                      from: "n", receivedAtNs: t0)
            var report = try await store.applyRetention(nowNs: t0 + minute, rawKeepNs: 24 * hour, rollupKeepNs: 720 * hour)
            #expect(report == RetentionReport(rolledUp: 2, rawDeleted: 0, rollupsDeleted: 0))
            // a spool replay arriving after the roll-up still counts
            _ = try await store.store(TelemetryBatch(seq: 2, items: [.stats(window(rank: 0, startNs: t0 + 9_000_000_000, count: 5))]),
                                      from: "n", receivedAtNs: t0 + 2 * minute)
            report = try await store.applyRetention(nowNs: t0 + 2 * minute, rawKeepNs: 24 * hour, rollupKeepNs: 720 * hour)
            #expect(report.rolledUp == 1)
            #expect(try await store.rolledUpTotals(job: "job-1").map(\.count) == [12])
            #expect(try await store.collectiveTotals(job: "job-1").map(\.count) == [12])

            report = try await store.applyRetention(nowNs: t0 + 25 * hour, rawKeepNs: 24 * hour, rollupKeepNs: 720 * hour)
            #expect(report == RetentionReport(rolledUp: 0, rawDeleted: 3, rollupsDeleted: 0))
            #expect(try await store.collectiveTotals(job: "job-1").isEmpty, "raw windows are gone")
            #expect(try await store.rolledUpTotals(job: "job-1").map(\.count) == [12], "the minute survives")

            report = try await store.applyRetention(nowNs: t0 + 721 * hour, rawKeepNs: 24 * hour, rollupKeepNs: 720 * hour)
            #expect(report.rollupsDeleted == 1)
            #expect(try await store.rolledUpTotals(job: "job-1").isEmpty)
        }
    }

    /// A minute's roll-up keeps the merged histogram: its percentiles are
    /// those of the raw windows it replaced.
    @Test func rollUpsKeepPercentiles() async throws {
        try await withStore { store, _ in
            let t0: UInt64 = 1_000 * 3_600_000_000_000
            let windows: [TelemetryItem] = [
                .stats(window(rank: 0, startNs: t0, count: 90, durationNs: 1_000)),
                .stats(window(rank: 0, startNs: t0 + 1_000_000_000, count: 10, durationNs: 100_000)),
            ]
            _ = try await store.store(TelemetryBatch(seq: 1, items: windows), from: "n", receivedAtNs: t0)
            _ = try await store.applyRetention(nowNs: t0 + 60_000_000_000, rawKeepNs: .max, rollupKeepNs: .max)
            let raw = try await store.collectiveTotals(job: "job-1")
            #expect(raw.map(\.p50Ns) == [1_023] && raw.map(\.p99Ns) == [131_071])
            #expect(try await store.rolledUpTotals(job: "job-1") == raw)
        }
    }

    /// A relaunched job reuses (job, rank): the last attempt's ended rank,
    /// still reported by its agent, never hides the running one.
    @Test func anEndedRankDoesNotReplaceARunningOne() async throws {
        try await withStore { store, _ in
            var old = snapshot, new = snapshot
            old.status = .died
            new.identity.pid = 11
            _ = try await store.store(TelemetryBatch(seq: 1, items: [.rank(old)]), from: "node-a", receivedAtNs: 1)
            _ = try await store.store(TelemetryBatch(seq: 2, items: [.rank(new), .rank(old)]), from: "node-a", receivedAtNs: 2)
            #expect(try await store.ranks().map(\.snapshot) == [new])
            var ended = new
            ended.status = .finished
            _ = try await store.store(TelemetryBatch(seq: 3, items: [.rank(ended)]), from: "node-a", receivedAtNs: 3)
            #expect(try await store.ranks().map(\.snapshot) == [ended], "its own end replaces it")
        }
    }

    /// Per-peer windows of ranks on two nodes add up to a node × node matrix.
    @Test func linkMatrixIsByNode() async throws {
        try await withStore { store, _ in
            func rank(_ r: Int, on host: String) -> RankSnapshot {
                var s = snapshot
                (s.identity.rank, s.identity.worldSize, s.identity.pid, s.identity.host) = (r, 3, Int32(100 + r), host)
                return s
            }
            func link(_ from: Int, _ to: Int, bytes: UInt64) -> TelemetryItem {
                var traffic = PeerTraffic(peer: Int32(to))
                (traffic.sent, traffic.sentBytes, traffic.sendBusyNs) = (2, bytes, 1_000_000)
                return .link(LinkWindow(job: "job-1", rank: from, peer: to, startNs: 10, endNs: 20, traffic: traffic))
            }
            _ = try await store.store(TelemetryBatch(seq: 1, items: [.rank(rank(0, on: "a")), .rank(rank(1, on: "a")),
                                                                     link(0, 2, bytes: 100), link(1, 2, bytes: 50), link(0, 1, bytes: 7)]),
                                      from: "a", receivedAtNs: 1)
            _ = try await store.store(TelemetryBatch(seq: 1, items: [.rank(rank(2, on: "b")), link(2, 0, bytes: 30)]),
                                      from: "b", receivedAtNs: 1)
            #expect(try await store.links(job: "job-1", sinceNs: 0) == [
                LinkTotal(from: "a", to: "a", messages: 2, bytes: 7, busyNs: 1_000_000),
                LinkTotal(from: "a", to: "b", messages: 4, bytes: 150, busyNs: 2_000_000),
                LinkTotal(from: "b", to: "a", messages: 2, bytes: 30, busyNs: 1_000_000),
            ])
            #expect(try await store.links(job: "job-1", sinceNs: 20).isEmpty, "only windows ending after the cursor")
        }
    }

    /// Agents connecting, cordons and job attempts make the timeline.
    @Test func theTimelineRecordsWhatHappened() async throws {
        try await withStore { store, _ in
            _ = try await store.resume(node: "a", instance: 7, atNs: 1)
            _ = try await store.setCordoned("b", true, reason: nil, atNs: 2)
            _ = try await store.setCordoned("b", true, reason: nil, atNs: 3)  // no change, no event
            let run = JobRun(job: "job-1", attempt: 1, node: "a", hosts: [HostSlots(host: "a", slots: 2)], command: ["x"],
                             state: .running, startedNs: 4)
            var ended = run
            (ended.state, ended.exitStatus) = (.exited, 0)
            _ = try await store.store(TelemetryBatch(seq: 1, items: [.run(run)]), from: "a", receivedAtNs: 4)
            _ = try await store.store(TelemetryBatch(seq: 2, items: [.run(run)]), from: "a", receivedAtNs: 5)
            _ = try await store.store(TelemetryBatch(seq: 3, items: [.run(ended)]), from: "a", receivedAtNs: 6)
            let events = try await store.events(afterID: 0, limit: 100)
            #expect(events.map(\.kind) == ["agent.connected", "node.cordoned", "run.running", "run.exited"])
            #expect(events.last?.message == "attempt 1 exited, exit status 0")
            #expect(try await store.events(afterID: events[1].id, limit: 100).count == 2, "after a cursor")
            #expect(try await store.incidents(job: nil).isEmpty)
            #expect(try await store.checkpoints(job: "job-1", limit: 10).isEmpty)
        }
    }

    @Test func notesGoOnTheTimelineAndTheNewestAreFoundByKind() async throws {
        try await withStore { store, _ in
            _ = try await store.resume(node: "a", instance: 7, atNs: 1)
            let first = try await store.addNote(try OperatorNote(text: "drill starts", job: "job-1"), atNs: 2)
            _ = try await store.setCordoned("b", true, reason: nil, atNs: 3)
            let second = try await store.addNote(try OperatorNote(text: "node3 stopped", node: "node3"), atNs: 4)
            #expect(second.kind == OperatorNote.kind && second.node == "node3" && second.job == nil)
            #expect(try await store.events(afterID: 0, limit: 100).map(\.kind) == ["agent.connected", "note", "node.cordoned", "note"])
            #expect(try await store.latestNotes(limit: 3) == [second, first])
            #expect(try await store.latestNotes(limit: 1) == [second])
        }
    }

    /// One open row per incident key: raised, then updated in place, then
    /// closed; the same fault again later is a new row.
    @Test func incidentsAreRaisedUpdatedAndResolved() async throws {
        try await withStore { store, _ in
            var hang = Incident(job: "job-1", incidentClass: .nonCommunicationHang, suspects: [.init(node: "b", rank: 3)],
                                confidence: 0.9, evidence: .init(summary: "7 of 8 wait", communicator: 1, seq: 54),
                                firstSeenNs: 10, detectedNs: 20)
            try await store.saveIncidents([hang], atNs: 20)
            hang.evidence.summary = "7 of 8 wait, longer"
            try await store.saveIncidents([hang], atNs: 21)
            var stored = try await store.incidents(job: "job-1")
            #expect(stored.count == 1 && stored.first?.incident == hang)
            hang.resolvedNs = 30
            try await store.saveIncidents([hang], atNs: 30)
            hang.resolvedNs = nil
            hang.detectedNs = 40
            try await store.saveIncidents([hang], atNs: 40)
            stored = try await store.incidents(job: nil)
            #expect(stored.map(\.incident.resolvedNs) == [nil, 30], "newest first")
            #expect(try await store.resolveOpenIncidents(atNs: 50) == 1)
            #expect(try await store.incidents(job: nil).allSatisfy { $0.incident.resolvedNs != nil })
            let events = try await store.events(afterID: 0, limit: 100)
            #expect(events.map(\.kind) == ["incident.raised", "incident.resolved", "incident.raised"])
            #expect(events.first?.message == "non-communication-hang: b rank 3: 7 of 8 wait")
        }
    }
}

extension SQLiteStoreTests {
    private func shard(_ rank: Int, _ state: CheckpointShardEvent.State, durationNs: UInt64 = 0, atNs: UInt64) -> TelemetryItem {
        var event = CheckpointShardEvent(job: "train", step: 20, rank: rank, worldSize: 2, level: .local, state: state,
                                         bytes: 4_096, checksum: state == .durable ? 0xABCD : 0, root: "/l", atNs: atNs)
        event.durationNs = durationNs
        return .checkpointShard(event)
    }

    /// A shard's row follows it from the copy on; a late word of progress
    /// never takes back an outcome, and the copy's time outlives it.
    @Test func shardsGoFromCopyingThroughStagedToDurable() async throws {
        try await withStore { store, _ in
            _ = try await store.store(TelemetryBatch(seq: 1, items: [shard(0, .copying, atNs: 1), shard(1, .copying, atNs: 1)]),
                                      from: "a", receivedAtNs: 1)
            #expect(try await store.checkpoints(job: "train", limit: 1).first?.level(.local)?.progress(of: 2) == "copying 2/2")
            _ = try await store.store(TelemetryBatch(seq: 2, items: [shard(0, .staged, durationNs: 7_000, atNs: 2),
                                                                     shard(1, .staged, durationNs: 9_000, atNs: 2)]),
                                      from: "a", receivedAtNs: 2)
            #expect(try await store.checkpoints(job: "train", limit: 1).first?.level(.local)?.progress(of: 2) == "staged 2/2")
            _ = try await store.store(TelemetryBatch(seq: 3, items: [shard(0, .durable, durationNs: 50_000, atNs: 3),
                                                                     shard(0, .staged, durationNs: 1, atNs: 4)]),
                                      from: "a", receivedAtNs: 3)
            let level = try await store.checkpoints(job: "train", limit: 1).first?.level(.local)
            #expect(level?.state == .staged && level?.durableShards == 1 && level?.failure == nil, "\(String(describing: level))")
            let shards = try await store.checkpointShards(job: "train", step: 20)
            #expect(shards.map(\.state) == [.durable, .staged])
            #expect(shards.map(\.copyNs) == [7_000, 9_000] && shards[0].durationNs == 50_000 && shards[0].checksum == 0xABCD)
        }
    }
}

extension SQLiteStoreTests {
    /// The spec that started an attempt is kept for recovery, never shown with the runs.
    @Test func anAttemptsRunSpecIsKeptButNotShown() async throws {
        try await withStore { store, _ in
            let spec = RunSpec(job: "job-1", attempt: 1, hosts: [HostSlots(host: "a", slots: 2)], command: ["x"],
                               environment: ["TOKEN": "s3cret"], libvigil: nil)
            let run = JobRun(job: "job-1", attempt: 1, node: "a", hosts: spec.hosts, command: spec.command, state: .running,
                             startedNs: 4, spec: spec)
            var ended = run
            (ended.state, ended.exitStatus, ended.spec) = (.exited, 0, nil)
            _ = try await store.store(TelemetryBatch(seq: 1, items: [.run(run)]), from: "a", receivedAtNs: 4)
            _ = try await store.store(TelemetryBatch(seq: 2, items: [.run(ended)]), from: "a", receivedAtNs: 5)
            #expect(try await store.runSpec(job: "job-1", attempt: 1) == spec, "a later report without it keeps it")
            let shown = String(decoding: try JSONEncoder().encode(try await store.runs(job: "job-1")), as: UTF8.self)
            #expect(!shown.contains("s3cret") && !shown.contains("spec"), "\(shown)")
        }
    }

    /// Only attempts still running, of every job: what the Slurm backend follows.
    @Test func runningRunsAreTheAttemptsNotEnded() async throws {
        try await withStore { store, _ in
            func run(_ job: String, _ attempt: Int, _ state: JobRun.State) -> JobRun {
                JobRun(job: job, attempt: attempt, node: "a", hosts: [HostSlots(host: "a", slots: 1)], command: ["x"],
                       state: state, startedNs: UInt64(attempt))
            }
            for item in [run("j", 1, .stopped), run("j", 2, .running), run("k", 1, .exited), run("k", 2, .running)] {
                try await store.saveRun(item, atNs: 9)
            }
            #expect(try await store.runningRuns().map { "\($0.job).\($0.attempt)" }.sorted() == ["j.2", "k.2"])
        }
    }
}

extension SQLiteStoreTests {
    /// Attempt 1's rank, replayed late from a spool, never replaces attempt 2's.
    @Test func aLateRankOfTheAttemptBeforeIsIgnored() async throws {
        try await withStore { store, _ in
            var first = snapshot, second = snapshot
            second.identity.attempt = 2
            second.identity.pid = 11
            _ = try await store.store(TelemetryBatch(seq: 1, items: [.rank(second)]), from: "node-a", receivedAtNs: 1)
            _ = try await store.store(TelemetryBatch(seq: 2, items: [.rank(first)]), from: "node-a", receivedAtNs: 2)
            first.status = .died
            _ = try await store.store(TelemetryBatch(seq: 3, items: [.rank(first)]), from: "node-a", receivedAtNs: 3)
            #expect(try await store.ranks().map(\.snapshot) == [second])
        }
    }

    /// Attempt 2 writes step 20 again: attempt 1's shards of it go, and its
    /// late word is on the timeline, not in the checkpoint.
    @Test func aNewerAttemptOwnsTheStepItWritesAgain() async throws {
        func shard(_ rank: Int, attempt: Int, _ state: CheckpointShardEvent.State, atNs: UInt64) -> TelemetryItem {
            .checkpointShard(CheckpointShardEvent(job: "train", step: 20, rank: rank, worldSize: 2, attempt: attempt, level: .local,
                                                  state: state, bytes: 4_096, checksum: UInt64(attempt), root: "/l", atNs: atNs))
        }
        try await withStore { store, _ in
            _ = try await store.store(TelemetryBatch(seq: 1, items: [shard(0, attempt: 1, .durable, atNs: 1),
                                                                     shard(1, attempt: 1, .copying, atNs: 1)]),
                                      from: "a", receivedAtNs: 1)
            _ = try await store.store(TelemetryBatch(seq: 2, items: [shard(0, attempt: 2, .copying, atNs: 5)]), from: "a",
                                      receivedAtNs: 5)
            var shards = try await store.checkpointShards(job: "train", step: 20)
            #expect(shards.map(\.rank) == [0] && shards.map(\.state) == [.copying], "attempt 1's shards of the step are gone")
            _ = try await store.store(TelemetryBatch(seq: 3, items: [shard(1, attempt: 1, .durable, atNs: 6)]), from: "a",
                                      receivedAtNs: 6)
            shards = try await store.checkpointShards(job: "train", step: 20)
            #expect(shards.map(\.rank) == [0])
            let checkpoint = try #require(try await store.checkpoints(job: "train", limit: 1).first)
            #expect(checkpoint.attempt == 2 && checkpoint.startedNs == 5)
            let stale = try await store.events(afterID: 0, limit: 100).filter { $0.kind == "checkpoint.stale" }
            #expect(stale.map(\.message) == ["step 20 rank 1 of attempt 1 ignored: attempt 2 wrote the step since"])
        }
    }
}

extension SQLiteStoreTests {
    /// Retention weighs only what is still held: a checkpoint every level of
    /// which was asked to be removed stays in the history, out of its way.
    @Test func aCheckpointAskedToBeRemovedAtEveryLevelIsNoLongerHeld() async throws {
        try await withStore { store, _ in
            var items: [TelemetryItem] = []
            for step: Int64 in [10, 20] {
                for level in [CheckpointLevel.local, .buddy] {
                    items.append(.checkpointShard(CheckpointShardEvent(job: "train", step: step, rank: 0, worldSize: 1, level: level,
                                                                       state: .durable, root: "/l", atNs: UInt64(step))))
                }
            }
            _ = try await store.store(TelemetryBatch(seq: 1, items: items), from: "a", receivedAtNs: 1)
            #expect(try await store.heldCheckpoints(job: "train").map(\.step) == [20, 10])
            try await store.recordCheckpointRemoval(.init(job: "train", step: 10, level: .local), places: 1, atNs: 30)
            #expect(try await store.heldCheckpoints(job: "train").map(\.step) == [20, 10], "its buddy copy is still held")
            try await store.recordCheckpointRemoval(.init(job: "train", step: 10, level: .buddy), places: 1, atNs: 31)
            #expect(try await store.heldCheckpoints(job: "train").map(\.step) == [20])
            #expect(try await store.checkpoints(job: "train", limit: 10).map(\.step) == [20, 10])
        }
    }

    /// Goodput's one-query read agrees with the checkpoints read level by level.
    @Test func checkpointTimingsAreTheCheckpointsInBrief() async throws {
        try await withStore { store, _ in
            var items: [TelemetryItem] = []
            for (step, rank) in [(Int64(10), 0), (10, 1), (20, 0)] {
                var event = CheckpointShardEvent(job: "train", step: step, rank: rank, worldSize: 2, level: .local, state: .durable,
                                                 root: "/l", atNs: UInt64(step) * 1_000)
                event.blockedNs = UInt64(100 * (rank + 1) + Int(step))
                items.append(.checkpointShard(event))
            }
            _ = try await store.store(TelemetryBatch(seq: 1, items: items), from: "a", receivedAtNs: 1)
            let timings = try await store.checkpointTimings(job: "train").sorted { $0.step < $1.step }
            let expected = try await store.checkpoints(job: "train", limit: 10).map(CheckpointTiming.init).sorted { $0.step < $1.step }
            #expect(timings == expected && timings.map(\.blockedNs) == [210, 120])
        }
    }
}
