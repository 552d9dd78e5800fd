import Foundation
import Testing
import VigilCore

/// vigil-train under `mpirun -np 4` with libvigil and a real agent: every
/// collective the program says it made reaches the agent, in sequence, under
/// a communicator id all members agree on.
@Suite(.serialized)
struct TelemetryCaptureTests {
    static let train = ["--steps", "150", "--tp", "2", "--overlap", "--p2p", "--log-every", "25"]

    @Test func everyCollectiveArrivesWithMatchingSequenceAndCommunicator() async throws {
        try await withScope("capture") { scope in
        let agent = try await scope.agent()
        let job = try scope.job(ranks: 4, Self.train, environment: agent.rankEnvironment)
        #expect(await job.finish() == 0, "mpirun failed: \(job.child.stderr)")
        let programSays = try job.reports()
        #expect(programSays.count == 4)

        let done = await eventually(timeout: .seconds(10)) {
            let report = try? await agent.report()
            return report?.ranks.count == 4 && report!.ranks.allSatisfy { $0.status == .finished }
        }
        #expect(done, "ranks did not all finish in the agent's view")
        let report = try await agent.report()

        var tpIDs: [Int: UInt64] = [:]
        for rank in report.ranks {
            let r = rank.identity.rank
            let says = try #require(programSays[r])
            #expect(rank.counters.dropped == 0 && rank.counters.pending == 0 && rank.rejected == 0)
            #expect(rank.counters.produced == rank.counters.consumed)

            let world = try #require(rank.communicators.first { $0.id == 1 }, "rank \(r) has no COMM_WORLD")
            #expect(world.ops == says.world, "rank \(r) world ops")
            expectContiguous(world, calls: says.world.values.reduce(0, +), rank: r)

            let tp = try #require(rank.communicators.first { $0.id != 1 }, "rank \(r) has no tp communicator")
            #expect(tp.ops == says.tp, "rank \(r) tp ops")
            #expect(tp.size == 2)
            expectContiguous(tp, calls: says.tp!.values.reduce(0, +), rank: r)
            tpIDs[r] = tp.id

            let right = Int32((r + 1) % 4), left = Int32((r + 3) % 4)
            #expect(rank.peers.first { $0.peer == right }?.sent == says.p2p["send"])
            #expect(rank.peers.first { $0.peer == left }?.received == says.p2p["recv"])
        }
        #expect(tpIDs[0] == tpIDs[1] && tpIDs[2] == tpIDs[3], "split members disagree: \(tpIDs)")
        #expect(tpIDs[0] != tpIDs[2], "two different split communicators share an id")
        }
    }

    private func expectContiguous(_ c: AgentReport.Communicator, calls: UInt64, rank: Int) {
        #expect(c.records == calls, "rank \(rank) comm \(c.id): \(c.records) records for \(calls) calls")
        #expect(c.firstSeq == 1 && c.lastSeqLeft == calls && c.missingSeqs == 0,
                "rank \(rank) comm \(c.id): seq \(c.firstSeq)...\(c.lastSeqLeft), missing \(c.missingSeqs)")
    }

    @Test func withoutAnAgentTheJobRunsUnchangedWithOneWarningPerRank() async throws {
        try await withScope("noagent") { scope in
        let plain = try scope.job(ranks: 4, Self.train, environment: [:], label: "plain")
        #expect(await plain.finish() == 0)

        let missing = scope.directory.appendingPathComponent("nobody-listens.sock").path
        let preloaded = try scope.job(ranks: 4, Self.train,
                                      environment: ["VIGIL_AGENT_SOCKET": missing, "LD_PRELOAD": Paths.libvigil],
                                      label: "preloaded")
        #expect(await preloaded.finish() == 0)

        let expected = try #require(plain.result)
        #expect(preloaded.result == expected)
        let warnings = preloaded.child.stderr.split(separator: "\n").filter { $0.hasPrefix("vigil: ") }
        #expect(warnings.count == 4, "expected one warning per rank, got: \(warnings)")
        #expect(warnings.allSatisfy { $0.contains("the job runs unchanged") })
        }
    }

    /// The agent dies mid-run and comes back: ranks never notice, the new
    /// agent re-attaches to their rings, and what was lost while no agent
    /// drained is counted, not silent.
    @Test func agentKilledAndRestartedMidRun() async throws {
        try await withScope("restart") { scope in
        let agent = try await scope.agent(arguments: ["--ring-capacity", "256"])
        let arguments = ["--steps", "4000", "--compute-us", "200", "--log-every", "500"]
        let job = try scope.job(ranks: 4, arguments, environment: agent.rankEnvironment)
        let flowing = await eventually(timeout: .seconds(30)) {
            let report = try? await agent.report()
            return report?.ranks.count == 4 && report!.ranks.allSatisfy { $0.counters.consumed > 0 }
        }
        #expect(flowing, "telemetry never flowed")

        await agent.kill9()
        let overflowed = await eventually(timeout: .seconds(30)) {
            RingHeaders.read(directory: agent.ringDirectory).count == 4
                && RingHeaders.read(directory: agent.ringDirectory).allSatisfy { $0.dropped > 0 }
        }
        #expect(overflowed, "rings never filled while the agent was down")
        #expect(job.child.isRunning, "the job should outlive its agent")

        try await agent.start()
        #expect(await job.finish() == 0, "job failed: \(job.child.stderr)")
        let settled = await eventually(timeout: .seconds(10)) {
            let report = try? await agent.report()
            return report?.ranks.count == 4 && report!.ranks.allSatisfy { $0.status == .finished }
        }
        #expect(settled)
        for rank in try await agent.report().ranks {
            #expect(rank.observed > 0, "rank \(rank.identity.rank): no telemetry after restart")
            #expect(rank.counters.dropped > 0, "rank \(rank.identity.rank): drops not counted")
            #expect(rank.counters.pending == 0)
            #expect(rank.produced == rank.counters.consumed + rank.counters.dropped)
        }
        #expect(RingHeaders.read(directory: agent.ringDirectory).isEmpty, "rings of ended ranks were not removed")
        #expect(agent.process!.stderr.contains("ring full, records dropped at the rank"), "drops are logged, not only counted")
        }
    }
}
