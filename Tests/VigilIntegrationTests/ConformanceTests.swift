import Foundation
import Testing
import VigilCore

/// libvigil never changes what a program does: `vigil-conformance`
/// (agents/conformance) runs every family of MPI calls at each thread
/// level without libvigil, with libvigil and no agent, and with an agent
/// attached. Every run must finish within its deadline with the same
/// outcome and digest for every case on every rank, and what the agent
/// recorded must match, call for call, what the program says it called of
/// what libvigil claims to track (docs/telemetry.md).
@Suite(.serialized)
struct ConformanceTests {
    static let ranks = 4

    enum Telemetry: String, CaseIterable {
        case none = "without libvigil"
        case passThrough = "with libvigil, no agent"
        case agent = "with libvigil and an agent"
    }

    @Test(arguments: ["single", "funneled", "serialized", "multiple"])
    func programsBehaveAsWithoutLibvigil(level: String) async throws {
        try await withScope("conformance-\(level)") { scope in
            let agent = try await scope.agent()
            let job = "conformance-\(level)"
            var runs: [Telemetry: [ConformanceOutput]] = [:]
            for telemetry in Telemetry.allCases {
                runs[telemetry] = try await Self.run(level: level, telemetry, job: job, agent: agent, scope: scope)
            }
            let bare = try #require(runs[.none])
            for rank in 0..<Self.ranks {
                #expect(bare[rank].finished && bare[rank].failures.isEmpty,
                        "rank \(rank) fails without libvigil: \(bare[rank].failures)")
                #expect(bare[rank].cases.count >= 19, "rank \(rank) ran only \(bare[rank].cases.count) cases")
                for telemetry in [Telemetry.passThrough, .agent] {
                    let run = try #require(runs[telemetry])[rank]
                    #expect(run.finished)
                    #expect(run.cases == bare[rank].cases, "rank \(rank) \(telemetry.rawValue): \(Self.difference(run.cases, bare[rank].cases))")
                }
            }
            try await Self.checkRecords(of: job, against: try #require(runs[.agent]), agent: agent,
                                        oneThreadInMPI: level != "multiple")
        }
    }

    /// One mpirun of the whole suite; each rank's output file parsed.
    static func run(level: String, _ telemetry: Telemetry, job: String, agent: AgentHarness,
                    scope: TestScope) async throws -> [ConformanceOutput] {
        let label = "\(level)-\(telemetry)"
        let out = scope.directory.appendingPathComponent(label)
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        var environment = ["VIGIL_JOB_ID": job]
        switch telemetry {
        case .none: break
        case .passThrough:
            environment["LD_PRELOAD"] = Paths.libvigil
            environment["VIGIL_AGENT_SOCKET"] = scope.directory.appendingPathComponent("nobody.sock").path
        case .agent:
            environment.merge(agent.rankEnvironment) { $1 }
        }
        let mpirun = try scope.job(ranks: ranks, program: Paths.conformance,
                                   ["--level", level, "--out", out.path, "--deadline", "30"],
                                   environment: environment, label: label)
        let status = await mpirun.finish(timeout: .seconds(90))
        #expect(status == 0, "\(level) \(telemetry.rawValue): exit \(String(describing: status)); \(mpirun.child.stderr.suffix(1500))")
        if telemetry == .passThrough {
            #expect(mpirun.child.stderr.contains("no telemetry"), "libvigil was not loaded: \(mpirun.child.stderr.suffix(500))")
        }
        return try (0..<ranks).map { try ConformanceOutput(file: out.appendingPathComponent("rank-\($0).txt")) }
    }

    /// The agent saw each tracked call once, nothing it does not track, and
    /// dropped nothing; with one thread in MPI at a time, the point-to-point
    /// time a collective carries fits in the time since the previous one.
    static func checkRecords(of job: String, against called: [ConformanceOutput], agent: AgentHarness,
                             oneThreadInMPI: Bool) async throws {
        let drained = await eventually(timeout: .seconds(15)) {
            let ranks = (try? await agent.report())?.ranks.filter { $0.identity.job == job } ?? []
            return ranks.count == Self.ranks && ranks.allSatisfy { $0.status == .finished && $0.counters.pending == 0 }
        }
        #expect(drained, "the agent did not see all \(Self.ranks) ranks finish")
        let report = try await agent.report()
        let dump = try await agent.flightRecorders()
        for rank in 0..<Self.ranks {
            let identity = { (id: RankIdentity) in id.job == job && id.rank == rank }
            let records = try #require(dump.ranks.first { identity($0.identity) }).records
            let counters = try #require(report.ranks.first { identity($0.identity) }).counters
            #expect(counters.dropped == 0 && counters.produced == UInt64(records.count),
                    "rank \(rank): produced \(counters.produced), dropped \(counters.dropped), recorded \(records.count)")
            let seen = ConformanceOutput(records: records)
            #expect(seen.communicatorShapes == called[rank].communicatorShapes,
                    "rank \(rank) collectives: \(difference(seen.communicatorShapes, called[rank].communicatorShapes))")
            #expect(seen.pointToPoint == called[rank].pointToPoint,
                    "rank \(rank) point-to-point, recorded \(seen.pointToPoint.sorted { $0.key < $1.key }) called \(called[rank].pointToPoint.sorted { $0.key < $1.key })")
            for (communicator, seqs) in Dictionary(grouping: records.filter { !$0.op.isPointToPoint }, by: \.communicator) {
                let numbers = seqs.map(\.seq).sorted()
                #expect(numbers == Array(1...UInt64(numbers.count)),
                        "rank \(rank) communicator \(String(communicator, radix: 16)): sequence numbers \(numbers)")
            }
            if oneThreadInMPI { checkBusyFits(records, rank: rank) }
        }
    }

    /// `busy_ns` is the time blocked in point-to-point calls since the
    /// previous blocking collective ended: never more than that interval
    /// (a Waitall on many requests blocks once).
    static func checkBusyFits(_ records: [CollectiveRecord], rank: Int) {
        let nonblocking: Set<CollectiveOp> = [.iallreduce, .ibcast, .iallgather]
        let blocking = records.filter { !$0.op.isPointToPoint && !nonblocking.contains($0.op) }.sorted { $0.exitNs < $1.exitNs }
        for (previous, next) in zip(blocking, blocking.dropFirst()) where next.enterNs >= previous.exitNs {
            #expect(next.busyNs <= next.enterNs - previous.exitNs,
                    "rank \(rank) \(next.op.name) seq \(next.seq): busy \(next.busyNs) ns in \(next.enterNs - previous.exitNs) ns")
        }
    }

    static func difference(_ got: [String], _ want: [String]) -> String {
        "only here \(got.filter { !want.contains($0) }), missing \(want.filter { !got.contains($0) })"
    }
}
