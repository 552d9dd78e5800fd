import Foundation
import Testing
import VigilCore
#if canImport(Glibc)
import Glibc
#endif

/// Crash consistency: a job checkpointing every step (and retention removing
/// the old ones as each completes) is killed at a random point — a rank, or
/// node-b's agent, kill -9 — and resumed. Restore never returns a partial or
/// corrupt checkpoint (the restored state is bit for bit that of a run that
/// reached the same step), and the newest checkpoint complete at the kill is
/// still there (restore finds it, or a newer one that completed after).
/// A handful of trials in `make test`; `make soak` runs 50
/// (VIGIL_CKPT_CRASH_TRIALS).
@Suite(.serialized)
struct CheckpointCrashTests {
    static let trials = Array(0..<(Int(ProcessInfo.processInfo.environment["VIGIL_CKPT_CRASH_TRIALS"] ?? "") ?? 3))

    /// A small deterministic generator: a failing trial can be run again.
    struct Trial {
        var state: UInt64

        init(_ index: Int) { state = 0x9E37_79B9_7F4A_7C15 &* UInt64(index + 1) }

        mutating func next(_ range: ClosedRange<Int>) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return range.lowerBound + Int((state >> 33) % UInt64(range.count))
        }
    }

    enum Victim: CustomStringConvertible {
        case rank(Int)
        case agentOfNodeB

        var description: String {
            switch self {
            case .rank(let rank): "rank \(rank)"
            case .agentOfNodeB: "node-b's agent"
            }
        }
    }

    @Test(arguments: trials)
    func aCrashNeverLeavesAPartialCheckpointRestorable(trial index: Int) async throws {
        var trial = Trial(index)
        let victim: Victim = index % 3 == 2 ? .agentOfNodeB : .rank(trial.next(0...3))
        try await withScope("ckpt-crash-\(index)") { scope in
            let cluster = try await CheckpointCluster.start(scope)
            let job = try cluster.start(["--steps", "1000000", "--every", "1", "--compute-us", "40000"], label: "crash")
            let started = await eventually(timeout: .seconds(30), every: .milliseconds(50)) { Self.newestComplete(cluster) > 0 }
            try #require(started, "a first checkpoint completes: \(job.child.stderr)")
            let at = ContinuousClock.now + .milliseconds(trial.next(0...1_500))
            _ = await eventually(timeout: .seconds(2), every: .milliseconds(10)) { ContinuousClock.now >= at }
            try await Self.kill(victim, of: cluster, job: job)
            let newest = Self.newestComplete(cluster)
            let resumed = try await cluster.run(["--steps", "1", "--resume"], label: "resumed")
            let restored = resumed.stdout.split(separator: "\n").first { $0.hasPrefix("restored step ") }
                .flatMap { Int($0.dropFirst(14)) } ?? -1
            print("ckpt_crash trial \(index) killed \(victim): newest complete \(newest), restored \(restored)")
            #expect(restored >= newest, "trial \(index), \(victim): restored \(restored), newest complete \(newest)\n\(resumed.stderr)")
            try #require(restored > 0, "trial \(index), \(victim): \(resumed.stdout)\(resumed.stderr)")
            let straight = try await cluster.run(["--steps", "\(restored)", "--every", "1000000"], label: "straight",
                                                 job: "straight")
            #expect(resumed.digests == straight.digests && !straight.digests.contains("-"),
                    "trial \(index), \(victim): step \(restored) restored bit for bit")
        }
    }

    /// Kill -9 `victim`, and see the job gone (torn down by mpirun, or stopped
    /// when its ranks' agent died); a killed agent is started again.
    static func kill(_ victim: Victim, of cluster: CheckpointCluster, job: MPIJob) async throws {
        switch victim {
        case .rank(let rank):
            let agent = cluster.nodes[rank < 2 ? 0 : 1].agent
            let pid = try #require(try await agent.report().ranks.first { $0.identity.rank == rank }?.identity.pid)
            Glibc.kill(pid, SIGKILL)
            #expect(await job.finish(timeout: .seconds(60)) != nil, "mpirun tears the job down")
        case .agentOfNodeB:
            await cluster.nodes[1].agent.kill9()
            await job.child.stop()
            try await cluster.nodes[1].agent.start()
        }
    }

    /// The newest step whose manifest is on disk at every node's level 1, or at level 2.
    static func newestComplete(_ cluster: CheckpointCluster) -> Int {
        func steps(_ root: String) -> Set<Int> {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: root + "/ckpt")) ?? []
            return Set(names.compactMap { name in
                guard name.hasPrefix("step-"), let step = Int(name.dropFirst(5)),
                      FileManager.default.fileExists(atPath: "\(root)/ckpt/\(name)/MANIFEST") else { return nil }
                return step
            })
        }
        let local = cluster.nodes.map { steps($0.local) }.reduce(steps(cluster.nodes[0].local)) { $0.intersection($1) }
        return local.union(steps(cluster.shared)).max() ?? -1
    }
}
