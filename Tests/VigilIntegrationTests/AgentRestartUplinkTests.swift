import Foundation
import Testing
import VigilCore

/// The agent dies mid-run and comes back with its spool: the ranks keep
/// training, telemetry resumes, and every record is either stored or
/// counted as dropped — at the rank (ring full) or in transit (the killed
/// agent's memory) — nothing silent.
@Suite(.serialized)
struct AgentRestartUplinkTests {
    @Test func agentKilledAndRestartedKeepsTheBooksBalanced() async throws {
        try await withScope("agent-restart-uplink") { scope in
            let server = try await scope.server()
            let arguments = server.agentArguments(node: "node-a") + ["--ring-capacity", "256"]
            let agent = try await scope.agent(arguments: arguments)
            let job = try scope.job(ranks: 4, ["--steps", "3000", "--compute-us", "300", "--log-every", "500", "--p2p"],
                                    environment: agent.rankEnvironment)
            let store = try server.store()
            let streaming = await eventually(timeout: .seconds(30), every: .milliseconds(100)) {
                ((try? await store.ranks()) ?? []).count == 4
            }
            #expect(streaming)
            let jobID = try #require(try await store.ranks().first?.snapshot.identity.job)
            let before = try await store.accounts(job: jobID).map(\.stored).reduce(0, +)

            await agent.kill9()
            let overflowed = await eventually(timeout: .seconds(30)) {
                RingHeaders.read(directory: agent.ringDirectory).allSatisfy { $0.dropped > 0 }
            }
            #expect(overflowed, "rings never filled while the agent was down")
            try await agent.start()

            #expect(await job.finish() == 0, "the job outlives its agent: \(job.child.stderr)")
            var accounts: [RankAccount] = []
            let settled = await eventually(timeout: .seconds(30), every: .milliseconds(200)) {
                accounts = (try? await store.accounts(job: jobID)) ?? []
                let ranks = (try? await store.ranks()) ?? []
                return accounts.count == 4 && ranks.filter { $0.snapshot.status == .finished }.count == 4
                    && accounts.allSatisfy { $0.pending == 0 }
            }
            #expect(settled, "accounts: \(accounts)")
            #expect(accounts.map(\.stored).reduce(0, +) > before, "telemetry resumed after the restart")
            for a in accounts {
                #expect(a.droppedAtRank > 0, "rank \(a.rank): ring drops counted")
                #expect(a.stored + a.droppedAtRank <= a.produced, "rank \(a.rank): nothing stored twice")
                // what the killed agent held in memory: at most a few intervals of one rank's records
                #expect(a.lostInTransit < a.produced / 4, "rank \(a.rank): lost \(a.lostInTransit) of \(a.produced)")
            }
        }
    }
}
