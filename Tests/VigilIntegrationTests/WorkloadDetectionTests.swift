import Foundation
import Testing
import VigilCore
#if canImport(Glibc)
import Glibc
#endif

/// The detector judged on training programs shaped unlike vigil-train: a
/// TP × DP mesh with a pipeline Sendrecv, compute that sleeps (a rank
/// waiting on its GPU), periodic uneven work; and programs paced by
/// point-to-point traffic: a 1F1B pipeline of four stages (no collective at
/// all) and a 3-D halo exchange (an allreduce every 50 steps). Healthy, they
/// raise nothing; faulted, the culprit and only the culprit is named.
/// Every drill runs its own job on one shared bench.
@Suite(.serialized, .sharedDrillStage)
struct WorkloadDetectionTests {
    static let workloads: [(name: String, arguments: [String])] = [
        ("mesh", ["--compute-us", "20000"]),
        ("sleepy", ["--compute-us", "15000"]),
        ("uneven", ["--compute-us", "5000", "--eval-every", "50", "--eval-ms", "300"]),
        ("pipeline", ["--compute-us", "3000", "--stages", "4", "--micro-batches", "8"]),
        ("stencil", ["--compute-us", "15000", "--cells", "16"]),
    ]

    /// A slow link shows only where the job's traffic needs more than the
    /// link carries: a halo of 16³ cells moves 0.2 MB/s a neighbour, which a
    /// 25 Mbit/s link carries unslowed (nothing for any detector to see);
    /// of 48³ cells, with less compute between exchanges, it does not.
    static let linkBound: [String: [String]] = ["stencil": ["--cells", "48", "--compute-us", "5000"]]

    /// Paced by collectives: every rule applies.
    static let shapes = only(["mesh", "sleepy", "uneven"])
    /// Paced by point-to-point traffic: judged healthy, stopped, killed,
    /// slowed and on a slow link (a cut link is the collective-paced drills').
    static let allShapes = shapes + only(["pipeline", "stencil"])

    /// VIGIL_WORKLOADS=pipeline,stencil runs the drills of those only (repeating a few to count passes).
    static func only(_ names: [String]) -> [String] {
        guard let chosen = ProcessInfo.processInfo.environment["VIGIL_WORKLOADS"]?.split(separator: ",") else { return names }
        return names.filter { chosen.contains(Substring($0)) }
    }

    static func arguments(_ workload: String) -> [String] {
        ["--steps", "100000000", "--log-every", "100000000"] + workloads.first { $0.name == workload }!.arguments
    }

    /// Rank 2 of the mesh stopped: rank 0 waits on it in its pipeline
    /// Sendrecv, rank 1 on rank 0 in their tensor-parallel allreduce, rank 3
    /// on rank 2 in theirs. Only rank 2 is to blame.
    @Test(arguments: allShapes)
    func aStoppedRankIsTheOnlyCulprit(workload: String) async throws {
        try await withScope("stop-\(workload)") { scope in
            let drill = try await FaultDrill.start(scope, job: "stop-\(workload)", program: Paths.workload(workload),
                                                   train: Self.arguments(workload))
            _ = try await drill.expectHang(stopping: 2)
            // A rank waiting on rank 2 waits as long as rank 2 is stopped: blamed wrongly, it would be by now.
            let later = ContinuousClock.now + .seconds(4)
            _ = await eventually(timeout: .seconds(5), every: .milliseconds(200)) { ContinuousClock.now >= later }
            let all = try await drill.incidents()
            #expect(all.count == 1, "no incident names a rank waiting on rank 2: \(all.map(\.headline))")
            #expect(all.first?.evidence.victimCount == 3, "\(all.first?.evidence.summary ?? "")")
            try drill.signal(rank: 2, SIGCONT)
        }
    }

    /// mpirun tears the others down: they are not crashes.
    @Test(arguments: allShapes)
    func aKilledRankIsTheOnlyCrash(workload: String) async throws {
        try await withScope("kill-\(workload)") { scope in
            let drill = try await FaultDrill.start(scope, job: "kill-\(workload)", program: Paths.workload(workload),
                                                   train: Self.arguments(workload))
            let injected = wallClockNanoseconds()
            try drill.signal(rank: 1, SIGKILL)
            let (incident, _) = try #require(await drill.firstIncident(sinceNs: injected))
            #expect(incident.incidentClass == .rankCrash, "\(incident.headline): \(incident.evidence.summary)")
            #expect(incident.suspects == [.init(node: drill.ranks[1]!.node, rank: 1)])
            let all = try await drill.incidents()
            if all.count != 1 { print("kill-\(workload): \(try await drill.state())") }
            #expect(all.count == 1, "\(all.map { "\($0.headline): \($0.evidence.summary)" })")
        }
    }

    /// Healthy for 24 s first, raising nothing: a whole 16 s window past
    /// the baseline learning (its first 6 s), through many eval and
    /// data-loading pauses, four busy ranks sharing two cores. (A machine
    /// busy outside the bench slows ranks truly: such slowness, measured, is
    /// no false alarm — FaultDrill.unexplained.) Then a CPU quota on rank 2,
    /// or on vigil-sleepy, whose compute sleeps and which a quota does not
    /// slow, a slow accelerator (its compute sleeping twice as long). The
    /// mesh's pipeline peer and the uneven job's periodic evaluation are the
    /// job's normal; the slow rank is not.
    @Test(arguments: allShapes)
    func aHealthyJobRaisesNothingThenASlowRankIsAStraggler(workload: String) async throws {
        try await withScope("slow-\(workload)") { scope in
            let load = ExternalLoad.start()
            let drill = try await FaultDrill.start(scope, job: "slow-\(workload)", program: Paths.workload(workload),
                                                   train: Self.arguments(workload), steady: .seconds(24), load: load)
            print("healthy drill \(workload): \(String(format: "%.2f", load.cores)) cores busy outside the bench")
            guard workload == "sleepy" else { return try await drill.expectStraggler(quotaOn: 2, scope: scope) }
            let injected = wallClockNanoseconds()
            try drill.signal(rank: 2, SIGUSR1)
            let (incident, seconds) = try #require(await drill.firstIncident(sinceNs: injected))
            #expect(incident.incidentClass == .straggler, "\(incident.headline): \(incident.evidence.summary)")
            #expect(incident.suspects == [.init(node: drill.ranks[2]!.node, rank: 2)])
            #expect(seconds <= 30, "detected \(seconds) s after the slowdown (goal 30 s)")
        }
    }

    @Test(arguments: allShapes)
    func aSlowDataLinkIsCommunicationSlowOnThatHost(workload: String) async throws {
        try await withScope("slowlink-\(workload)") { scope in
            let drill = try await FaultDrill.start(scope, job: "slowlink-\(workload)", program: Paths.workload(workload),
                                                   train: Self.arguments(workload) + (Self.linkBound[workload] ?? []),
                                                   steady: .seconds(10), before: FaultDrill.limitEveryLink)
            try await drill.expectSlowLink(3)
        }
    }

    @Test(arguments: shapes)
    func aCutDataLinkIsACommunicationHangOnThatHost(workload: String) async throws {
        try await withScope("datadown-\(workload)") { scope in
            let drill = try await FaultDrill.start(scope, job: "datadown-\(workload)", program: Paths.workload(workload),
                                                   train: Self.arguments(workload))
            try await drill.expectCutLink(3)
        }
    }

    /// A quota on for 5 s, off for 5 s, three times: one incident that stays
    /// open through the gaps, its comebacks counted.
    @Test func anIntermittentSlowdownIsOneIncident() async throws {
        try await withScope("intermittent") { scope in
            let drill = try await FaultDrill.start(scope, job: "intermittent")
            let quota = try CPUQuota(scope: scope, periodUs: 10_000, quotaUs: 1_500)
            let pid = drill.ranks[3]!.pid
            for _ in 0..<3 {
                try quota.add(pid)
                let off = ContinuousClock.now + .seconds(5)
                _ = await eventually(timeout: .seconds(6), every: .milliseconds(200)) { ContinuousClock.now >= off }
                try quota.remove(pid)
                let on = ContinuousClock.now + .seconds(5)
                _ = await eventually(timeout: .seconds(6), every: .milliseconds(200)) { ContinuousClock.now >= on }
            }
            let all = try await drill.incidents()
            print("intermittent: \(all.map { "\($0.headline) ×\($0.evidence.occurrences ?? 0): \($0.evidence.summary)" })")
            #expect(all.count == 1, "\(all.map(\.headline))")
            #expect(all.first?.suspects == [.init(node: drill.ranks[3]!.node, rank: 3)])
            #expect(all.first?.resolvedNs == nil, "held open through the gaps")
            #expect((all.first?.evidence.occurrences ?? 0) >= 2, "its comebacks counted")
        }
    }
}
