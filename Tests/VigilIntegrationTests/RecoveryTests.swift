import Foundation
import Testing
import VigilCore
import VigilRecovery
#if canImport(Glibc)
import Glibc
#endif

/// Recovery on the namespace bench (docs/recovery.md): vigil-train on four
/// hosts, checkpointing, with a fifth host's agent standing by as the
/// spare. A fault on node3 is followed by a restart without node3, the
/// spare in its place, resumed from the newest complete checkpoint: the
/// program's own output shows the step and the losses go on as before.
@Suite(.serialized)
struct RecoveryTests {
    static let hosts = "node1:2,node2:2,node3:2,node4:2"

    struct Trainer {
        let stage: LaunchStage
        let directory: String
        let alertmanager: AlertmanagerHarness
        /// What the recording exec hook was called with: "ACTION KEY" lines.
        let hookLog: String

        var hookCalls: [String] {
            ((try? String(contentsOfFile: hookLog, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }

        /// The job's output for one attempt, as node1's agent keeps it (the bench shares its file system).
        func output(attempt: Int, firstHost: String = "node1") -> String {
            (try? String(contentsOfFile: stage.remoteDirectory + "/runs-\(firstHost)/train.\(attempt).out", encoding: .utf8)) ?? ""
        }

        /// "step N loss L" lines: step → loss text.
        static func losses(_ output: String) -> [Int: String] {
            var losses: [Int: String] = [:]
            for line in output.split(separator: "\n") where line.hasPrefix("step ") {
                let words = line.split(separator: " ")
                if words.count >= 4, let step = Int(words[1]) { losses[step] = String(words[3]) }
            }
            return losses
        }
    }

    /// An exec hook that records its calls, and one that hangs (killed after its timeout).
    static func hooks(in scope: TestScope) throws -> (recorder: String, hanging: String, log: String) {
        let dir = scope.directory.path, log = dir + "/hook.log"
        let recorder = dir + "/record-hook.sh", hanging = dir + "/hanging-hook.sh"
        try "#!/bin/sh\ncat > /dev/null\necho \"$VIGIL_ALERT_ACTION $VIGIL_INCIDENT_KEY\" >> \(log)\n"
            .write(toFile: recorder, atomically: true, encoding: .utf8)
        try "#!/bin/sh\nexec sleep 600\n".write(toFile: hanging, atomically: true, encoding: .utf8)
        for path in [recorder, hanging] { chmod(path, 0o755) }
        return (recorder, hanging, log)
    }

    /// The server recovers automatically with node5 spare, and alerts a real
    /// Alertmanager, a recording hook, a hook that hangs and a webhook that refuses connections.
    static func start(_ scope: TestScope) async throws -> Trainer {
        let alertmanager = try await scope.alertmanager()
        let hooks = try hooks(in: scope)
        let stage = try await scope.launchStage(hosts: 5, serverArguments: [
            "--recovery", "automatic", "--spares", "node5", "--stop-grace", "2", "--alertmanager", alertmanager.url,
            "--alert-exec", hooks.recorder, "--alert-exec", hooks.hanging, "--slack-webhook", "http://127.0.0.1:1/refused"])
        let warm = try await stage.launch(hosts: "node5:1", job: "spare-warm", ["/bin/true"])
        try #require(warm.status == 0, "the spare's agent started: \(warm.out)\(warm.err)")
        let directory = scope.directory.appendingPathComponent("ckpt").path
        let launched = try await stage.launch(hosts: hosts, job: "train", [
            Paths.vigilTrain, "--steps", "1000000", "--compute-us", "3000", "--log-every", "1", "--checkpoint-every", "20",
            "--checkpoint-dir", directory + "/local", "--checkpoint-shared", directory + "/shared"])
        try #require(launched.status == 0, "\(launched.out)\(launched.err)")
        scope.stopAfterwards {
            _ = try? await stage.server.cli(["stop", "train", "--grace", "2", "--token-file", stage.server.tokenFile])
        }
        return Trainer(stage: stage, directory: directory, alertmanager: alertmanager, hookLog: hooks.log)
    }

    enum Fault: String, CustomStringConvertible, CaseIterable {
        /// SIGKILL to a rank on node3.
        case crash
        /// SIGSTOP to a rank on node3: it hangs, its peers wait.
        case hang
        /// Every process in node3's namespace killed: agent, ranks, sshd.
        case node

        var description: String { rawValue }

        var incidentClass: Incident.Class {
            switch self {
            case .crash: .rankCrash
            case .hang: .nonCommunicationHang
            case .node: .nodeDown
            }
        }
    }

    /// The bench shares one pid space: node3's rank is found by its identity, not by pgrep there.
    static func inject(_ fault: Fault, store: some TelemetryStore) async throws {
        if fault == .node {
            try FaultDrill.shell("kill -KILL $(ip netns pids \(ClusterBench.name)-node3)")
            return
        }
        let victim = try #require(try await store.ranks().first {
            $0.node == "node3" && $0.snapshot.identity.job == "train" && $0.snapshot.status == .running
        }?.snapshot.identity.pid)
        kill(victim, fault == .crash ? SIGKILL : SIGSTOP)
    }

    @Test(arguments: Fault.allCases)
    func aFaultOnNode3IsFollowedByARestartOnTheSpare(fault: Fault) async throws {
        try await withScope("recovery-\(fault)") { scope in
            let trainer = try await Self.start(scope)
            let store = try trainer.stage.server.store()
            var newest: Int64 = -1
            let saved = await eventually(timeout: .seconds(60), every: .milliseconds(200)) {
                let rows = (try? await store.checkpoints(job: "train", limit: 50)) ?? []
                newest = rows.filter { $0.isComplete(at: .local) }.map(\.step).max() ?? -1
                return newest >= 40
            }
            try #require(saved, "checkpoints complete: \(trainer.output(attempt: 1).suffix(400))")
            let faultNs = wallClockNanoseconds()
            try await Self.inject(fault, store: store)
            var recovery: StoredRecovery?
            var firing: Set<String> = []  // incident keys Alertmanager held as active
            let training = await eventually(timeout: .seconds(90), every: .milliseconds(50)) {
                for alert in await trainer.alertmanager.alerts() where alert.status.state == "active" {
                    firing.insert(alert.labels["incident"] ?? "")
                }
                recovery = (try? await store.recoveries(job: "train"))?.first
                return recovery?.state == .training || recovery?.state == .failed
            }
            let incidents = try await store.incidents(job: "train").map(\.incident.headline)
            try #require(training && recovery?.state == .training, "training again: \(String(describing: recovery)) after \(incidents)")
            #expect(recovery?.incidentClass == fault.incidentClass, "\(incidents)")
            let runs = try await store.runs(job: "train")
            #expect(runs.last?.attempt == 2 && runs.last?.hosts.map(\.host) == ["node1", "node2", "node5", "node4"],
                    "node3's slots on the spare: \(runs.map { ($0.attempt, $0.hosts.map(\.host)) })")
            let node3 = try await store.nodes().first { $0.name == "node3" }
            #expect(node3?.cordoned == true && node3?.cordonReason?.contains("incident \(fault.incidentClass.rawValue)/train") == true,
                    "\(String(describing: node3))")
            let resumedOutput = await eventually(timeout: .seconds(30), every: .milliseconds(200)) {
                Trainer.losses(trainer.output(attempt: 2, firstHost: "node1")).count >= 2
            }
            let second = trainer.output(attempt: 2, firstHost: "node1")
            let resumed = second.split(separator: "\n").first { $0.hasPrefix("VIGIL_TRAIN_RESUMED step=") }
                .flatMap { Int64($0.dropFirst(25)) }
            #expect(resumedOutput && (resumed ?? -1) >= newest, "resumed from step \(String(describing: resumed)) ≥ \(newest)")
            var ranks: [StoredRank] = []  // each agent reports its new ranks within its next batch or two
            let allTwo = await eventually(timeout: .seconds(15), every: .milliseconds(200)) {
                ranks = ((try? await store.ranks()) ?? []).filter { $0.snapshot.identity.job == "train" }
                return ranks.count == 8 && ranks.allSatisfy { $0.snapshot.identity.attempt == 2 }
            }
            #expect(allTwo, "attempt 2's ranks: \(ranks.map { ($0.node, $0.snapshot.identity.attempt) })")
            var rows: [StoredCheckpoint] = []
            let savedAgain = await eventually(timeout: .seconds(30), every: .milliseconds(200)) {
                rows = (try? await store.checkpoints(job: "train", limit: 50)) ?? []
                return rows.contains { $0.step > resumed ?? .max && $0.attempt == 2 && $0.isComplete(at: .local) }
            }
            #expect(savedAgain, """
                attempt 2's own checkpoint, marked as its: \(rows.prefix(8).map { c in
                    "step \(c.step) attempt \(c.attempt): " + c.levels.map { "\($0.level.name) \($0.state) \($0.durableShards) durable \($0.failure ?? "")" }.joined(separator: ", ")
                }); \(trainer.output(attempt: 2).suffix(600))
                """)
            // The same 8 ranks' training run straight here, without a fault: every step either attempt printed has its loss.
            let through = Int(resumed ?? 0) + 20
            let straight = try scope.job(ranks: 8, ["--steps", "\(through)", "--compute-us", "0", "--log-every", "1"],
                                         environment: [:], label: "straight")
            #expect(await straight.finish() == 0, "\(straight.child.stderr)")
            let expected = Trainer.losses(straight.child.stdout)
            let before = Trainer.losses(trainer.output(attempt: 1)), after = Trainer.losses(second)
            let resumedSteps = after.keys.filter { $0 <= through }
            #expect(after.keys.min() == Int(resumed ?? -2) + 1, "attempt 2 goes on from the restored step")
            #expect(!resumedSteps.isEmpty && resumedSteps.allSatisfy { after[$0] == expected[$0] },
                    "attempt 2's losses are a straight run's: \(resumedSteps.sorted().prefix(3).map { ($0, after[$0]!, expected[$0] ?? "-") })")
            #expect(before.keys.filter { $0 <= through }.allSatisfy { before[$0] == expected[$0] }, "and so were attempt 1's")
            #expect(recovery?.stoppedNs != nil && recovery?.launchedNs != nil && recovery?.firstStepNs != nil)
            #expect((recovery?.restoreNs ?? 0) > 0 && recovery?.restoredStep == resumed, "the restore's time, from the ranks' RESTORED lines")
            let goodput = Goodput.of(job: "train", runs: runs, recoveries: try await store.recoveries(job: "train"),
                                     checkpoints: try await store.checkpoints(job: "train", limit: 1_000), nowNs: wallClockNanoseconds())
            #expect(goodput.restarts == 1 && goodput.lost(.detection) > 0 && goodput.lost(.stop) > 0 && goodput.lost(.relaunch) > 0
                    && goodput.lost(.restore) > 0 && goodput.ettr < 1, "\(goodput)")
            #expect(goodput.productiveNs + goodput.lostNs.values.reduce(0, +) == goodput.wallNs)
            let exported = try await trainer.stage.server.cli(["export", "--since", "1h", "--job", "train", "--format", "csv"])
            let kinds = Set(exported.out.split(separator: "\n").dropFirst().compactMap { $0.split(separator: ",").first })
            #expect(exported.status == 0 && kinds == ["incident", "action", "checkpoint", "stats"], "\(exported.out.prefix(600))\(exported.err)")
            #expect(exported.out.contains(",train,\(fault.incidentClass.rawValue),"), "the incident is exported")
            let key = try #require(firing.first { $0.hasPrefix(fault.incidentClass.rawValue + "/train/") },
                                   "Alertmanager held the alert while it fired: \(firing)")
            let resolved = await eventually(timeout: .seconds(30), every: .milliseconds(100)) {
                await !trainer.alertmanager.alerts().contains { $0.labels["incident"] == key }
                    && trainer.hookCalls.contains("resolve \(key)")
            }
            #expect(resolved, "resolved in Alertmanager and by the hook once training again: \(trainer.hookCalls)")
            #expect(trainer.hookCalls.filter { $0 == "trigger \(key)" }.count == 1, "the hook fires once per incident: \(trainer.hookCalls)")
            if let r = recovery { print(BackendRecoveryFigure(backend: "ssh", fault: "\(fault)", faultNs: faultNs, r).line) }
        }
    }

    /// A job whose rank 2 aborts at start-up every time: restarted within
    /// its budget, a spare in the culprit's place each time, backing off 1 s
    /// then 2 s, then left stopped with an incident of its own. The server
    /// is restarted after the first restart, and the budget holds.
    @Test func aJobThatCrashesAtStartUpIsRestartedWithinItsBudgetThenLeftStopped() async throws {
        try await withScope("recovery-startup") { scope in
            let stage = try await scope.launchStage(hosts: 5, serverArguments: [
                "--recovery", "automatic", "--spares", "node3,node4,node5", "--stop-grace", "2", "--restart-backoff", "1"])
            let warm = try await stage.launch(hosts: "node3:1,node4:1,node5:1", job: "spare-warm", ["/bin/true"])
            try #require(warm.status == 0, "the spares' agents started: \(warm.out)\(warm.err)")
            let launched = try await stage.launch(hosts: "node1:2,node2:2", job: "train", [
                Paths.vigilTrain, "--steps", "1000000", "--compute-us", "3000", "--crash-rank", "2"])
            // Whether every rank registered before rank 2's abort ended mpirun is a race; either answer is true.
            let reported = launched.status == 0 || launched.err.contains("attempt 1 on 2 hosts (4 ranks) failed: mpirun ended")
            try #require(reported, "\(launched.out)\(launched.err)")
            scope.stopAfterwards {
                _ = try? await stage.server.cli(["stop", "train", "--grace", "2", "--token-file", stage.server.tokenFile])
            }
            let store = try stage.server.store()
            let restarted = await eventually(timeout: .seconds(60), every: .milliseconds(100)) {
                ((try? await store.runs(job: "train")) ?? []).count >= 2
            }
            let first = restarted ? [] : try await store.recoveries(job: "train").map(\.why)
            try #require(restarted, "the first restart: \(first)")
            await stage.server.stop()
            try await stage.server.start()
            var recoveries: [StoredRecovery] = []
            let gaveUp = await eventually(timeout: .seconds(120), every: .milliseconds(200)) {
                recoveries = (try? await store.recoveries(job: "train")) ?? []
                return recoveries.contains { $0.state == .gaveUp }
            }
            let story = gaveUp ? "" : try await store.story(job: "train") + "\nSERVERLOG " + String((stage.server.process?.stderr ?? "").suffix(6000))
            try #require(gaveUp, "given up: \(story)")
            let runs = try await store.runs(job: "train")
            #expect(runs.map(\.attempt) == [1, 2, 3, 4], "three restarts, then no more")
            #expect(runs.map { $0.hosts.map(\.host) } == [["node1", "node2"], ["node1", "node3"], ["node1", "node4"], ["node1", "node5"]],
                    "a spare in place of each culprit: \(runs.map { $0.hosts.map(\.host) })")
            let launches = recoveries.compactMap(\.launchedNs).sorted()
            #expect(launches.count == 3 && launches[1] - launches[0] >= 1_000_000_000 && launches[2] - launches[1] >= 2_000_000_000,
                    "backing off 1 s, then 2 s: \(launches)")
            #expect(recoveries.first { $0.state == .gaveUp }?.why.contains { $0.contains("failed the same way (rank-crash) 4 times") } == true)
            let incident = try await store.incidents(job: "train").first { $0.incident.incidentClass == .recoveryGaveUp }
            #expect(incident?.incident.resolvedNs == nil && incident?.incident.suspects.map(\.node) == ["node5"],
                    "open, naming the last culprit: \(String(describing: incident))")
            let stopped = await eventually(timeout: .seconds(30), every: .milliseconds(200)) {
                ((try? await store.runs(job: "train")) ?? []).allSatisfy { $0.state != .running }
            }
            #expect(stopped, "left stopped")
        }
    }
}
