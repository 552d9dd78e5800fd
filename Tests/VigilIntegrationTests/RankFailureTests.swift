import Foundation
import Testing
import VigilCore

/// What the agent sees when a rank stops or dies, faults injected from
/// outside the job as an operator's bad day would.
@Suite(.serialized)
struct RankFailureTests {
    static let longRun = ["--steps", "100000", "--compute-us", "500", "--log-every", "10000"]

    @Test func aStoppedRankLeavesItsPeersBlockedInTheSameCollective() async throws {
        try await withScope("stopped") { scope in
            let (agent, victim) = try await longRun(victim: 2, in: scope)
            kill(victim, SIGSTOP)
            defer { kill(victim, SIGCONT) }

            // The others wait in one collective instance, for longer and longer.
            var waiting: [AgentReport.Rank] = []
            let blocked = await eventually(timeout: .seconds(20)) {
                guard let report = try? await agent.report() else { return false }
                waiting = report.ranks.filter { $0.identity.pid != victim }
                return waiting.allSatisfy { rank in
                    guard let call = rank.blocked else { return false }
                    return report.takenAtNs - call.sinceNs > 500_000_000
                }
            }
            #expect(blocked, "peers not seen blocked: \(waiting.map(\.blocked))")
            // Stopped mid-collective, the victim may have sent some of its data
            // already: a peer can finish instance #N and wait in #N+1. Never more.
            let calls = waiting.compactMap(\.blocked)
            let seqs = calls.map(\.seq)
            #expect(Set(calls.map(\.communicator)).count == 1, "peers blocked on different communicators: \(calls)")
            #expect(seqs.max()! - seqs.min()! <= 1, "peers blocked too far apart: \(calls)")
            let table = try await agent.report().renderTables()
            #expect(table.contains("allreduce #"), "the table shows where ranks wait:\n\(table)")
        }
    }

    @Test func aKilledRankIsReportedDead() async throws {
        try await withScope("killed") { scope in
            let (agent, victim) = try await longRun(victim: 1, in: scope)
            kill(victim, SIGKILL)
            let noticed = await eventually(timeout: .seconds(10)) {
                (try? await agent.report())?.ranks.first { $0.identity.pid == victim }?.status == .died
            }
            #expect(noticed)
            let dead = try #require(try await agent.report().ranks.first { $0.identity.pid == victim })
            #expect(dead.counters.pending == 0 && dead.counters.consumed > 0, "its last records were drained")
        }
    }

    /// An agent and a long vigil-train run on 4 ranks, once every rank is
    /// producing; returns the agent and the pid of world rank `victim`.
    private func longRun(victim rank: Int, in scope: TestScope) async throws -> (AgentHarness, Int32) {
        let agent = try await scope.agent()
        _ = try scope.job(ranks: 4, Self.longRun, environment: agent.rankEnvironment)
        var pid: Int32?
        let up = await eventually(timeout: .seconds(30)) {
            let report = try? await agent.report()
            guard report?.ranks.count == 4, report!.ranks.allSatisfy({ $0.counters.consumed > 20 }) else { return false }
            pid = report!.ranks.first { $0.identity.rank == rank }?.identity.pid
            return pid != nil
        }
        #expect(up, "job never got going")
        return (agent, try #require(pid))
    }
}
