import Foundation
import Testing
import VigilCore

/// A real Prometheus scrapes the server's and an agent's /metrics while a
/// real MPI job trains with checkpoints: the series an operator's
/// dashboard reads are there with the values the job gives them.
@Suite(.serialized)
struct MetricsTests {
    @Test func prometheusScrapesServerAndAgent() async throws {
        try await withScope("metrics") { scope in
            let server = try await scope.server()
            let metricsPort = 17_000 + Int.random(in: 0..<900)
            let agent = try await scope.agent(arguments: server.agentArguments(node: "node-m")
                                              + ["--metrics", "127.0.0.1:\(metricsPort)"])
            let checkpoints = scope.directory.appendingPathComponent("ckpt").path
            let training = try scope.job(ranks: 4, ["--steps", "1000000", "--compute-us", "2000", "--checkpoint-every", "20",
                                         "--checkpoint-dir", checkpoints],
                                  environment: agent.rankEnvironment.merging(["VIGIL_JOB_ID": "train-m"]) { $1 })
            let prometheus = try await scope.prometheus(targets: ["vigil-server": "127.0.0.1:\(server.apiPort)",
                                                                  "vigil-agent": "127.0.0.1:\(metricsPort)"])
            let job = "train-m"

            func value(_ promql: String) async -> Double? { await prometheus.query(promql).first?.value.number }
            let expectations: [(String, String, (Double) -> Bool)] = [
                ("both scraped", #"count(up{job=~"vigil-server|vigil-agent"} == 1)"#, { $0 == 2 }),
                ("the agent's running ranks", #"vigil_agent_ranks{status="running"}"#, { $0 == 4 }),
                ("the agent is connected", "vigil_agent_uplink_connected", { $0 == 1 }),
                ("the server hears one agent", "vigil_agents_connected", { $0 == 1 }),
                ("records are ingested", "rate(vigil_ingest_records_total[5s])", { $0 > 0 }),
                ("the job's ranks run", #"vigil_job_ranks_running{job_id="\#(job)"}"#, { $0 == 4 }),
                ("its collectives", #"vigil_job_collectives_per_second{job_id="\#(job)"}"#, { $0 > 0 }),
                ("a restorable step", #"vigil_job_restorable_step{job_id="\#(job)"}"#, { $0 >= 20 }),
                ("its step rate", #"vigil_job_step_rate{job_id="\#(job)"}"#, { $0 > 0 }),
                ("its node is up", #"vigil_node_up{node="node-m"}"#, { $0 == 1 }),
                ("no open hang", #"vigil_incidents_open{class="non-communication-hang"}"#, { $0 == 0 }),
            ]
            for (what, promql, holds) in expectations {
                var seen: Double?
                let ok = await eventually(timeout: .seconds(40), every: .milliseconds(500)) {
                    seen = await value(promql)
                    return seen.map(holds) ?? false
                }
                #expect(ok, "\(what): \(promql) = \(seen.map { "\($0)" } ?? "no series")")
            }
            let perRank = await prometheus.query(#"{__name__=~"vigil_.+", rank!=""}"#)
            #expect(perRank.isEmpty, "no per-rank series: \(perRank.prefix(3).map(\.metric))")

            // The ranks, not only mpirun, gone before the scope removes their checkpoint directory.
            let pids = ((try? await agent.report())?.ranks ?? []).map(\.identity.pid)
            await training.child.stop()
            let gone = await eventually(timeout: .seconds(30), every: .milliseconds(100)) {
                pids.allSatisfy { kill($0, 0) != 0 }
            }
            #expect(gone, "the job's ranks ended: \(pids)")
        }
    }
}
