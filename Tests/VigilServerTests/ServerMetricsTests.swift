import Testing
import VigilCore
import VigilMetrics
import VigilRecovery
@testable import VigilServer

struct ServerMetricsTests {
    static let s: UInt64 = 1_000_000_000
    static let now = 1_000 * s

    static func checkpoint(_ step: Int64, at: UInt64, attempt: Int = 1, state: StoredCheckpoint.Level.State = .complete,
                           blocked: UInt64 = 0) -> StoredCheckpoint {
        StoredCheckpoint(job: "train", step: step, worldSize: 4, startedNs: at, attempt: attempt, levels: [
            .init(level: .local, state: state, durableShards: 4, bytes: 4_000_000, slowestNs: s / 2, blockedNs: blocked,
                  completedNs: at + s, failure: nil)])
    }

    static func samples(checkpoints: [StoredCheckpoint] = [], nodes: [NodeSummary] = []) -> [String: Double] {
        let job = JobSummary(job: "train", worldSize: 4, ranks: .init(running: 3, died: 1), nodes: 2, pace: [10, 20, 30],
                             openIncidents: 1)
        let summary = ClusterSummary(takenNs: now, server: nil, jobs: [job], nodes: NodeCounts(total: 2, up: 1, down: 1),
                                     openIncidents: ["rank-crash": 1], nodeDownAfterNs: 2 * s, latestEventID: 0)
        let goodput = Goodput(job: "train", startedNs: 0, endNs: 100 * s, productiveNs: 90 * s,
                              lostNs: [.detection: 4 * s, .relaunch: 6 * s], restarts: 1, stepsRolledBack: 20)
        let all = ServerMetrics.samples(summary: summary, nodes: nodes, goodput: [goodput],
                                        checkpoints: ["train": checkpoints], nowNs: now)
        return Dictionary(all.map { ($0.series, $0.value) }) { first, _ in first }
    }

    @Test func aJobsGaugesComeFromItsSummaryGoodputAndCheckpoints() {
        let newest = Self.checkpoint(140, at: 80 * Self.s, state: .partial, blocked: Self.s / 4)
        let values = Self.samples(checkpoints: [newest, Self.checkpoint(120, at: 70 * Self.s), Self.checkpoint(100, at: 60 * Self.s)])
        #expect(values[#"vigil_job_ranks_running{job_id="train"}"#] == 3)
        #expect(values[#"vigil_job_collectives_per_second{job_id="train"}"#] == 20)
        #expect(values[#"vigil_job_ettr{job_id="train"}"#] == 0.9)
        #expect(values[#"vigil_job_lost_seconds{job_id="train",cause="relaunch"}"#] == 6)
        #expect(values[#"vigil_job_lost_seconds{job_id="train",cause="stop"}"#] == 0, "every cause, zeros too")
        #expect(values[#"vigil_job_restorable_step{job_id="train"}"#] == 120, "the newest complete one, not the partial")
        #expect(values[#"vigil_job_step_rate{job_id="train"}"#] == 2, "20 steps in 10 s")
        #expect(values[#"vigil_checkpoint_blocking_seconds{job_id="train"}"#] == 0.25)
        #expect(values[#"vigil_checkpoint_bytes_per_second{job_id="train",level="1"}"#] == 8_000_000)
        #expect(values[#"vigil_incidents_open{class="rank-crash"}"#] == 1)
        #expect(values[#"vigil_incidents_open{class="node-down"}"#] == 0, "every class, zeros too")
        #expect(values[#"vigil_nodes{state="down"}"#] == 1)
    }

    @Test func aStepRateNeedsTwoCheckpointsOfOneAttempt() {
        #expect(ServerMetrics.stepRate([Self.checkpoint(40, at: 20 * Self.s)]) == nil)
        #expect(ServerMetrics.stepRate([Self.checkpoint(20, at: 30 * Self.s, attempt: 2), Self.checkpoint(40, at: 20 * Self.s)]) == nil)
        #expect(Self.samples()[#"vigil_job_step_rate{job_id="train"}"#] == nil)
    }

    @Test func nodesNeverHeardOfHaveNoHealthSeries() {
        let nodes = [NodeSummary(name: "n1", lastBatch: 1, lastSeenNs: Self.now - Self.s, health: nil),
                     NodeSummary(name: "n2", lastBatch: 1, lastSeenNs: Self.now - 10 * Self.s, health: nil, cordoned: true),
                     NodeSummary(name: "n3", lastBatch: 0, lastSeenNs: 0, health: nil)]
        let values = Self.samples(nodes: nodes)
        #expect(values[#"vigil_node_up{node="n1"}"#] == 1)
        #expect(values[#"vigil_node_up{node="n2"}"#] == 0)
        #expect(values[#"vigil_node_cordoned{node="n2"}"#] == 1)
        #expect(values.keys.filter { $0.contains("n3") }.isEmpty)
        #expect(values.keys.allSatisfy { !$0.contains("rank=") }, "no per-rank series")
    }

    @Test func aSeriesNoLongerSampledLeavesTheScrape() {
        let exporter = MetricsExporter()
        let first = exporter.scrape([MetricSample("vigil_job_ettr", [.init("job_id", "a")], 0.5),
                                     MetricSample("vigil_job_ettr", [.init("job_id", "b")], 1)])
        #expect(first.contains(#"vigil_job_ettr{job_id="a"} 0.5"#) && first.contains(#"vigil_job_ettr{job_id="b"} 1.0"#))
        let second = exporter.scrape([MetricSample("vigil_job_ettr", [.init("job_id", "b")], 0.75)])
        #expect(!second.contains(#"job_id="a""#), "\(second)")
        #expect(second.contains(#"vigil_job_ettr{job_id="b"} 0.75"#), "\(second)")
    }
}
