import Testing
import VigilCore
import VigilDetector

/// A job's attempts never mix: what attempt 1 reports late (a spool
/// replayed after its agent reconnects) is not evidence against attempt 2.
struct AttemptTests {
    static let t: UInt64 = 1_000_000_000_000

    static func snapshot(rank: Int, attempt: Int, status: RankStatus = .running, seq: UInt64 = 5) -> RankSnapshot {
        RankSnapshot(identity: RankIdentity(job: "j", rank: rank, worldSize: 4, pid: Int32(100 * attempt + rank), host: "n\(rank)",
                                            attempt: attempt),
                     status: status, exitStatus: nil, counters: RingCounters(consumed: seq), blocked: nil,
                     progress: [.init(communicator: 1, size: 4, lastSeqEntered: seq, lastSeqLeft: seq)],
                     endedNs: status == .running ? nil : t)
    }

    static func events(rank: Int, attempt: Int, seq: UInt64) -> TelemetryItem {
        .instances(InstanceEvents(job: "j", attempt: attempt, events: [
            InstanceEvent(communicator: 1, seq: seq, op: .allreduce, communicatorSize: 4, rank: rank,
                          enterNs: t + seq * 1_000_000, durationNs: 1_000)]))
    }

    /// Attempt 2 running on every node, heard at `atNs`.
    static func attemptTwoRunning(_ monitor: inout TelemetryMonitor, atNs: UInt64) {
        for rank in 0..<4 {
            monitor.ingest(TelemetryBatch(seq: 0, items: [.rank(snapshot(rank: rank, attempt: 2))]), from: "n\(rank)", atNs: atNs)
        }
    }

    @Test(arguments: [1, 2])
    func aDeadRankOfTheAttemptBeforeIsNoCrashOfThisOne(attempt: Int) {
        var monitor = TelemetryMonitor()
        for rank in 0..<4 {
            monitor.ingest(TelemetryBatch(seq: 0, items: [.rank(Self.snapshot(rank: rank, attempt: 1))]), from: "n\(rank)", atNs: Self.t)
        }
        Self.attemptTwoRunning(&monitor, atNs: Self.t + 1_000_000_000)
        // Rank 2's death, late: of attempt 1 (replayed) or of attempt 2 (a crash now).
        monitor.ingest(TelemetryBatch(seq: 1, items: [.rank(Self.snapshot(rank: 2, attempt: attempt, status: .died))]),
                       from: "n2", atNs: Self.t + 2_000_000_000)
        for rank in [0, 1, 3] {
            monitor.ingest(TelemetryBatch(seq: 1, items: [.rank(Self.snapshot(rank: rank, attempt: 2))]), from: "n\(rank)",
                           atNs: Self.t + 2_000_000_000)
        }
        let raised = monitor.evaluate(nowNs: Self.t + 3_000_000_000).raised
        if attempt == 1 {
            #expect(raised.isEmpty, "attempt 1's dead rank is history: \(raised.map(\.headline))")
        } else {
            #expect(raised.map(\.incidentClass) == [.rankCrash] && raised.first?.suspects.map(\.rank) == [2])
        }
    }

    @Test func attemptTwosInstancesNeverJoinAttemptOnes() {
        var monitor = TelemetryMonitor()
        // Attempt 1 reached seq 7 on ranks 0 and 1 before it was stopped.
        for rank in [0, 1] {
            monitor.ingest(TelemetryBatch(seq: 0, items: [Self.events(rank: rank, attempt: 1, seq: 7)]), from: "n\(rank)", atNs: Self.t)
        }
        Self.attemptTwoRunning(&monitor, atNs: Self.t + 1_000_000_000)
        for rank in [2, 3] {
            monitor.ingest(TelemetryBatch(seq: 1, items: [Self.events(rank: rank, attempt: 2, seq: 7)]), from: "n\(rank)",
                           atNs: Self.t + 1_100_000_000)
        }
        #expect(monitor.tallies(job: "j").allSatisfy { $0.instances == 0 }, "two halves of two attempts are no instance")
        // Attempt 1's ranks 2 and 3 replayed late: still nothing.
        for rank in [2, 3] {
            monitor.ingest(TelemetryBatch(seq: 2, items: [Self.events(rank: rank, attempt: 1, seq: 7)]), from: "n\(rank)",
                           atNs: Self.t + 1_200_000_000)
        }
        #expect(monitor.tallies(job: "j").allSatisfy { $0.instances == 0 })
        for rank in [0, 1] {
            monitor.ingest(TelemetryBatch(seq: 2, items: [Self.events(rank: rank, attempt: 2, seq: 7)]), from: "n\(rank)",
                           atNs: Self.t + 1_300_000_000)
        }
        #expect(monitor.tallies(job: "j").map(\.instances) == [1], "attempt 2's four members make its instance")
    }

    /// A job that crashes the same way in every attempt: each attempt's
    /// crash is an incident of its own, the one before resolved.
    @Test func theSameCrashInTheNextAttemptIsRaisedAnew() {
        var monitor = TelemetryMonitor()
        for attempt in 1...2 {
            let atNs = Self.t + UInt64(attempt) * 10_000_000_000
            for rank in 0..<4 {
                let status: RankStatus = rank == 2 ? .died : .running
                monitor.ingest(TelemetryBatch(seq: UInt64(attempt), items: [.rank(Self.snapshot(rank: rank, attempt: attempt, status: status))]),
                               from: "n\(rank)", atNs: atNs)
            }
            let report = monitor.evaluate(nowNs: atNs + 1_000_000_000)
            #expect(report.raised.map(\.incidentClass) == [.rankCrash], "attempt \(attempt): \(report.raised.map(\.headline))")
            #expect(report.resolved.map(\.incidentClass) == (attempt == 1 ? [] : [.rankCrash]), "attempt 1's crash is resolved")
        }
    }
}
