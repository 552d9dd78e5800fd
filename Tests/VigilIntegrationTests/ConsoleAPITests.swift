import Foundation
import Testing
import VigilCore

/// The API the console reads, against a real server, agent and job: a
/// summary small enough to fetch every second, a rank map in columns, a
/// job's collectives summed over its ranks.
@Suite(.serialized)
struct ConsoleAPITests {
    @Test func theConsoleEndpointsDescribeARunningJob() async throws {
        try await withScope("console-api") { scope in
            let server = try await scope.server()
            let agent = try await scope.agent(arguments: server.agentArguments(node: "node-a"))
            _ = try scope.job(ranks: 4, ["--steps", "100000000", "--compute-us", "2000", "--log-every", "100000000"],
                              environment: agent.rankEnvironment)
            var summary: ClusterSummary?
            let paced = await eventually(timeout: .seconds(40), every: .milliseconds(250)) {
                summary = try? JSONDecoder().decode(ClusterSummary.self, from: try await server.api("/v1/summary"))
                return (summary?.jobs.first?.pace.contains { $0 > 0 } ?? false) && summary?.jobs.first?.ranks.running == 4
            }
            try #require(paced, "the job never showed its pace: \(String(describing: summary))")
            let s = try #require(summary)
            let job = try #require(s.jobs.first)
            #expect(job.worldSize == 4 && job.nodes == 1 && job.state == "running")
            #expect(s.nodes.total == 1 && s.nodes.up == 1)
            let pulse = try #require(s.server)
            #expect(pulse.agentsConnected == 1 && pulse.records > 0 && pulse.history.count == 60)
            #expect(try await server.api("/v1/summary").count < 4_096, "small enough for every second")

            let map = try JSONDecoder().decode(RankMap.self, from: try await server.api("/v1/rankmap?job=\(job.job)"))
            try map.validate()
            #expect(map.nodes == ["node-a"] && map.ranks.sorted() == [0, 1, 2, 3] && map.states == "RRRR")

            var collectives: CollectiveSummaries?
            let joined = await eventually(timeout: .seconds(20), every: .milliseconds(500)) {
                collectives = try? JSONDecoder().decode(CollectiveSummaries.self,
                                                        from: try await server.api("/v1/collectives/summary?job=\(job.job)"))
                return collectives?.items.contains { $0.op == .allreduce && $0.ranks == 4 } ?? false
            }
            #expect(joined, "\(String(describing: collectives))")
            let allreduce = try #require(collectives?.items.first { $0.op == .allreduce && $0.size == 4 })
            #expect(allreduce.calls > 0 && allreduce.p99Ns >= allreduce.p50Ns && allreduce.lastArriver != nil)

            #expect(try JSONDecoder().decode([LinkProbe].self, from: try await server.api("/v1/probes?job=\(job.job)")).isEmpty,
                    "no probes while nothing is slow")
        }
    }
}
