import Foundation
import Testing
import VigilCore

/// The server dies mid-run and comes back: agents spool meanwhile and
/// replay in order, so the store ends up with every collective, once.
@Suite(.serialized)
struct ServerRestartTests {
    @Test func serverKilledAndRestartedLosesNothing() async throws {
        try await withScope("server-restart") { scope in
            let server = try await scope.server()
            let agent = try await scope.agent(arguments: server.agentArguments(node: "node-a"))
            let job = try scope.job(ranks: 4, ["--steps", "3000", "--compute-us", "300", "--log-every", "500"],
                                    environment: agent.rankEnvironment)
            let store = try server.store()
            let streaming = await eventually(timeout: .seconds(30), every: .milliseconds(100)) {
                ((try? await store.nodes()) ?? []).first?.lastBatch ?? 0 >= 3
            }
            #expect(streaming)

            await server.kill9()
            // the agent keeps cutting batches into its spool while the server is gone
            let spool = server.directory.appendingPathComponent("spool-node-a/batches").path
            let spooled = await eventually(timeout: .seconds(20), every: .milliseconds(100)) {
                ((try? FileManager.default.contentsOfDirectory(atPath: spool)) ?? []).count >= 5
            }
            #expect(spooled, "batches were not spooled while the server was down")
            try await server.start()

            #expect(await job.finish() == 0, "job failed: \(job.child.stderr)")
            let programSays = try job.reports()
            let expected = programSays.values.map { $0.world.values.reduce(0, +) }.reduce(0, +)
            let jobID = try #require(try await agent.report().ranks.first?.identity.job)
            var stored: UInt64 = 0
            let complete = await eventually(timeout: .seconds(30), every: .milliseconds(200)) {
                stored = ((try? await store.collectiveTotals(job: jobID)) ?? []).map(\.count).reduce(0, +)
                return stored >= expected
            }
            #expect(complete && stored == expected, "stored \(stored) of \(expected) collectives")
            let node = try #require(try await store.nodes().first)
            #expect(node.loss == SpoolLoss(), "nothing dropped")
            let drained = await eventually(timeout: .seconds(10), every: .milliseconds(100)) {
                ((try? FileManager.default.contentsOfDirectory(atPath: spool)) ?? []).count <= 2
            }
            #expect(drained, "acknowledged batches leave the spool")
        }
    }
}
