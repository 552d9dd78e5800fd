import Foundation
import Testing
import VigilCore
import VigilRecovery
import VigilStore
#if canImport(Glibc)
import Glibc
#endif

/// `make bench`'s recovery figures: vigil-train on four hosts of the
/// namespace bench, checkpointing, with three spares, for
/// VIGIL_RECOVERY_BENCH_SECONDS (600). A crashed rank, a hung rank and a
/// dead host, each on a host the job runs on then, are injected at a
/// quarter, half and three quarters of the run. It prints, per fault, the
/// time from the fault to its incident and from the incident to the first
/// training step after the restart, then the job's goodput at the end (ETTR
/// and lost time by cause), for scripts/bench.sh; it asserts only that each
/// fault was recovered. Off in `make test` (VIGIL_RECOVERY_BENCH=1).
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["VIGIL_RECOVERY_BENCH"] == "1"))
struct RecoveryBenchTests {
    /// The faults in order, and where: never node1 (it runs mpirun, and a
    /// host killed there would take the job's launcher with it).
    static let faults: [(RecoveryTests.Fault, node: String)] = [(.crash, "node3"), (.hang, "node4"), (.node, "node2")]

    @Test func threeFaultsInARun() async throws {
        let seconds = Double(ProcessInfo.processInfo.environment["VIGIL_RECOVERY_BENCH_SECONDS"] ?? "") ?? 600
        try await withScope("recovery-bench") { scope in
            let stage = try await scope.launchStage(hosts: 7, serverArguments: [
                "--recovery", "automatic", "--spares", "node5,node6,node7", "--stop-grace", "2"])
            let warm = try await stage.launch(hosts: "node5:1,node6:1,node7:1", job: "spare-warm", ["/bin/true"])
            try #require(warm.status == 0, "the spares' agents started: \(warm.out)\(warm.err)")
            let begun = ContinuousClock.now
            let directory = scope.directory.appendingPathComponent("ckpt").path
            let launched = try await stage.launch(hosts: RecoveryTests.hosts, job: "train", [
                Paths.vigilTrain, "--steps", "100000000", "--compute-us", "3000", "--log-every", "1000", "--checkpoint-every", "20",
                "--checkpoint-dir", directory + "/local", "--checkpoint-shared", directory + "/shared"])
            try #require(launched.status == 0, "\(launched.out)\(launched.err)")
            scope.stopAfterwards {
                _ = try? await stage.server.cli(["stop", "train", "--grace", "2", "--token-file", stage.server.tokenFile])
            }
            let store = try stage.server.store()
            for (index, (fault, node)) in Self.faults.enumerated() {
                try await Task.sleep(until: begun + .seconds(seconds * Double(index + 1) / 4))  // the schedule, not a wait on a state
                let injectedNs = wallClockNanoseconds()
                try await Self.inject(fault, on: node, attempt: index + 1, store: store)
                var recovery: StoredRecovery?
                let training = await eventually(timeout: .seconds(120), every: .milliseconds(50)) {
                    let all = (try? await store.recoveries(job: "train")) ?? []
                    recovery = all.first { $0.attempt == index + 1 && $0.state != .ignored }  // the failed attempt's
                    return recovery?.state == .training || all.contains { $0.state == .failed || $0.state == .gaveUp }
                }
                let r = try #require(recovery, "a recovery of \(fault) on \(node)")
                let story = training && r.state == .training ? "" : try await store.story(job: "train")
                try #require(training && r.state == .training, "training again after \(fault) on \(node): \(story)")
                let firstStep = try #require(r.firstStepNs)
                print(String(format: "recovery_bench fault %@ node %@ class %@ fault_to_incident_s %.2f incident_to_step_s %.2f restored_step %lld",
                             fault.rawValue, node, r.incidentClass?.rawValue ?? "-", Double(r.detectedNs - min(r.detectedNs, injectedNs)) / 1e9,
                             Double(firstStep - r.detectedNs) / 1e9, r.restoredStep ?? -1))
            }
            try await Task.sleep(until: begun + .seconds(seconds))
            let goodput = Goodput.of(job: "train", runs: try await store.runs(job: "train"),
                                     recoveries: try await store.recoveries(job: "train"),
                                     timings: try await store.checkpointTimings(job: "train"), nowNs: wallClockNanoseconds())
            let causes = Goodput.Cause.allCases.map { String(format: "%@ %.2f", $0.rawValue, Double(goodput.lost($0)) / 1e9) }
            print(String(format: "recovery_bench goodput wall_s %.1f productive_s %.1f ettr %.4f restarts %d steps_rolled_back %lld lost_s ",
                         Double(goodput.wallNs) / 1e9, Double(goodput.productiveNs) / 1e9, goodput.ettr, goodput.restarts,
                         goodput.stepsRolledBack) + causes.joined(separator: " "))
            #expect(goodput.restarts == Self.faults.count)
        }
    }

    /// A rank of the job's current attempt on `node`, found by its identity (the bench shares one pid space), or the whole host.
    static func inject(_ fault: RecoveryTests.Fault, on node: String, attempt: Int, store: SQLiteStore) async throws {
        if fault == .node {
            try FaultDrill.shell("kill -KILL $(ip netns pids \(ClusterBench.name)-\(node))")
            return
        }
        var victim: Int32?
        let found = await eventually(timeout: .seconds(10), every: .milliseconds(100)) {
            victim = ((try? await store.ranks()) ?? []).first {
                $0.node == node && $0.snapshot.identity.job == "train" && $0.snapshot.identity.attempt == attempt
                    && $0.snapshot.status == .running
            }?.snapshot.identity.pid
            return victim != nil
        }
        let story = found ? "" : try await store.story(job: "train")
        try #require(found, "a running rank of attempt \(attempt) on \(node): \(story)")
        kill(victim!, fault == .crash ? SIGKILL : SIGSTOP)
    }
}
