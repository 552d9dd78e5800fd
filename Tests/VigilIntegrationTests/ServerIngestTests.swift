import Foundation
import Testing
import VigilCore

/// vigil-train → libvigil → agent → server → SQLite, all real: every
/// collective the program reports is accounted for in the store.
@Suite(.serialized)
struct ServerIngestTests {
    @Test func everyCollectiveIsAccountedForInTheStore() async throws {
        try await withScope("ingest") { scope in
            let server = try await scope.server()
            let agent = try await scope.agent(arguments: server.agentArguments(node: "node-a"))
            let job = try scope.job(ranks: 4, ["--steps", "120", "--tp", "2", "--overlap", "--p2p", "--log-every", "40"],
                                    environment: agent.rankEnvironment)
            #expect(await job.finish() == 0, "mpirun failed: \(job.child.stderr)")
            let programSays = try job.reports()
            let jobID = try #require(try await agent.report().ranks.first?.identity.job)

            let store = try server.store()
            var totals: [CollectiveTotal] = []
            let arrived = await eventually(timeout: .seconds(20), every: .milliseconds(200)) {
                totals = (try? await store.collectiveTotals(job: jobID)) ?? []
                return totals.map(\.count).reduce(0, +) == programSays.values.map(Self.calls).reduce(0, +)
            }
            #expect(arrived, "store has \(totals.map(\.count).reduce(0, +)) collectives")
            for (rank, says) in programSays {
                let mine = totals.filter { $0.rank == rank }
                let world = Dictionary(mine.filter { $0.communicator == 1 }.map { ($0.op.name, $0.count) }, uniquingKeysWith: +)
                let tp = Dictionary(mine.filter { $0.communicator != 1 }.map { ($0.op.name, $0.count) }, uniquingKeysWith: +)
                #expect(world == says.world, "rank \(rank) world")
                #expect(tp == says.tp, "rank \(rank) tp")
            }
            let ranks = try await store.ranks().filter { $0.snapshot.identity.job == jobID }
            #expect(ranks.count == 4 && ranks.allSatisfy { $0.node == "node-a" })
            #expect(ranks.allSatisfy { $0.snapshot.counters.dropped == 0 }, "drops 0 in this test")
            let finished = await eventually(timeout: .seconds(10), every: .milliseconds(200)) {
                let ranks = (try? await store.ranks()) ?? []
                return ranks.filter { $0.snapshot.identity.job == jobID && $0.snapshot.status == .finished }.count == 4
            }
            #expect(finished, "the store learns the ranks finished")
            let accounts = try await store.accounts(job: jobID)
            #expect(accounts.count == 4)
            for account in accounts {
                #expect(account.produced > 0 && account.stored == account.produced && account.lostInTransit == 0,
                        "rank \(account.rank): produced \(account.produced), stored \(account.stored)")
            }
            let node = try #require(try await store.nodes().first { $0.name == "node-a" })
            #expect(node.health?.memoryTotalBytes ?? 0 > 0, "heartbeats carry node health")

            // The same books through the read API and the CLI an operator uses.
            let collectives = try await server.cli(["collectives", "--job", jobID, "--json"])
            #expect(collectives.status == 0, "\(collectives.err)")
            let viaAPI = try JSONDecoder().decode([CollectiveTotal].self, from: Data(collectives.out.utf8))
            #expect(viaAPI == (try await store.collectiveTotals(job: jobID)))
            let status = try await server.cli(["status", "--job", jobID])
            #expect(status.status == 0, "\(status.err)")
            #expect(status.out.hasPrefix("nodes 1, ranks 4 finished 4\n"), "\(status.out)")
            #expect(status.out.contains("LOST IN TRANSIT"))
            // The server joined every world collective across the 4 ranks.
            let worldCalls = programSays.values.map { $0.world.values.reduce(0, +) }.max() ?? 0
            let arrivals = try JSONDecoder().decode([Arrival].self, from: try await server.api("/v1/arrivals?job=\(jobID)"))
            let world = try #require(arrivals.first { $0.communicator == 1 })
            #expect(world.instances == worldCalls && world.incomplete == 0, "\(world)")
            let ranksTable = try await server.cli(["ranks"])
            #expect(ranksTable.out.split(separator: "\n").filter { $0.contains(" node-a ") && $0.contains("finished") }.count == 4,
                    "\(ranksTable.out)")
        }
    }

    struct Arrival: Decodable {
        var communicator: UInt64
        var instances: UInt64
        var incomplete: UInt64
    }

    static func calls(_ report: TrainReport) -> UInt64 {
        report.world.values.reduce(0, +) + (report.tp?.values.reduce(0, +) ?? 0)
    }
}
