import Foundation
import Testing
import VigilCore
import VigilRecovery
import VigilSlurm

/// The server's Slurm backend against a real Slurm on the namespace bench:
/// a slurmctld here, a slurmd on each host inside its namespaces, the
/// nodes' agents started by the Prolog Vigil ships (docs/slurm/prolog.sh).
/// One bench for the whole lifecycle, in order: a launch through the server
/// (ranks in the attempt's host order, the Slurm job id recorded), a
/// restart's dry run, a rank crash (the node drained with Vigil's reason,
/// the job resubmitted on the spare and resumed from its checkpoint), a
/// stop, uncordon beside an admin's drain, and a stopped controller.
@Suite(.serialized)
struct SlurmLifecycleTests {
    struct Stage {
        let stage: LaunchStage
        let slurm: SlurmController
        let checkpoints: String
        var token: [String] { ["--token-file", stage.server.tokenFile] }
    }

    @Test func theServerRunsAJobThroughSlurm() async throws {
        try await withScope("slurm") { scope in
            let prolog = try Self.prolog(scope)
            let launchStage = try await scope.launchStage(hosts: 3, slurm: true, slurmProlog: prolog, serverArguments: [
                "--backend", "slurm", "--slurm-conf", "\(scope.directory.path)/cluster/slurm/slurm.conf",
                "--slurm-output-dir", scope.directory.path, "--recovery", "automatic", "--spares", "node3", "--stop-grace", "2"])
            try Self.agentConfig(launchStage)
            let stage = Stage(stage: launchStage,
                              slurm: SlurmController(configFile: launchStage.bench.slurmConf,
                                                     workDirectory: scope.directory.appendingPathComponent("slurm-work").path),
                              checkpoints: scope.directory.appendingPathComponent("ckpt").path)
            scope.stopAfterwards { _ = try? await launchStage.server.cli(["stop", "slurm-train", "--grace", "1"] + stage.token) }
            try await Self.aLaunchRunsInItsAllocation(stage)
            try await Self.aDryRunChangesNothing(stage)
            try await Self.aCrashDrainsTheNodeAndResumesOnTheSpare(stage)
            try await Self.aStopCancelsTheSlurmJob(stage)
            try await Self.uncordonResumesOnlyVigilsDrains(stage)
            try await Self.aStoppedControllerIsSaidPlainly(stage)
        }
    }

    /// `vigil launch` with the server's backend Slurm: no ssh; node2 first,
    /// against the allocation's order.
    static func launch(_ stage: Stage, job: String, hosts: String, _ command: [String]) async throws
        -> (status: Int32?, out: String, err: String) {
        try await stage.stage.server.cli(["launch", "--hosts", hosts, "--job", job, "--libvigil", Paths.libvigil,
                                          "--start-timeout", "90",
                                          "--env", "OMPI_ALLOW_RUN_AS_ROOT=1", "--env", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1",
                                          "--data-network", "\(ClusterBench.dataNet).0/24"] + stage.token
                                         + ["--mca", "oob_tcp_if_include", "\(ClusterBench.net).0/24", "--mca", "btl", "self,vader,tcp",
                                            "--bind-to", "none", "--mca", "mpi_yield_when_idle", "1"].flatMap { ["--mpirun-arg", $0] }
                                         + ["--"] + command)
    }

    static func aLaunchRunsInItsAllocation(_ stage: Stage) async throws {
        let launched = try await launch(stage, job: "slurm-train", hosts: "node2:1,node1:1", [
            Paths.vigilTrain, "--steps", "1000000", "--compute-us", "3000", "--checkpoint-every", "20",
            "--checkpoint-dir", stage.checkpoints + "/local", "--checkpoint-shared", stage.checkpoints + "/shared"])
        try #require(launched.status == 0, "\(launched.out)\(launched.err)")
        #expect(launched.out.contains("job slurm-train attempt 1 on 2 hosts (2 ranks, Slurm job "), "\(launched.out)")
        #expect(launched.out.contains("running, every rank registered (slurm)"), "\(launched.out)")
        let store = try stage.stage.server.store()
        let ranks = try await store.ranks().filter { $0.snapshot.identity.job == "slurm-train" }
        #expect(Dictionary(ranks.map { ($0.snapshot.identity.rank, $0.node) }, uniquingKeysWith: { a, _ in a }) == [0: "node2", 1: "node1"],
                "ranks in the attempt's host order")
        let run = try #require(try await store.runs(job: "slurm-train").first)
        let id = try #require(run.slurmJob, "the Slurm job id is kept with the attempt")
        #expect(try await stage.slurm.state(of: id) == "RUNNING")
        let runs = try await stage.stage.server.cli(["runs", "--job", "slurm-train"])
        #expect(runs.out.contains("SLURM JOB") && runs.out.contains("\(id)"), "\(runs.out)")
    }

    static func aDryRunChangesNothing(_ stage: Stage) async throws {
        let store = try stage.stage.server.store()
        let saved = try await eventually(timeout: .seconds(90), every: .milliseconds(250)) {
            CheckpointStanding.of(try await store.checkpoints(job: "slurm-train", limit: 50)).first?.restorable.isEmpty == false
        }
        try #require(saved, "a complete checkpoint before the fault")
        let plan = try await stage.stage.server.cli(["restart", "slurm-train", "--exclude", "node2", "--dry-run"] + stage.token)
        #expect(plan.status == 0, "\(plan.out)\(plan.err)")
        #expect(plan.out.contains("hosts:  node3:1,node1:1") && plan.out.contains("node3 in place of node2")
                && plan.out.contains("from checkpoint step"), "\(plan.out)")
        let runs = try await store.runs(job: "slurm-train"), recoveries = try await store.recoveries(job: "slurm-train")
        #expect(runs.count == 1 && recoveries.isEmpty, "a dry run changes nothing")
    }

    /// rank 0 on node2 killed: node2 drained in Slurm with Vigil's reason,
    /// attempt 2 a new Slurm job on node3 and node1, resumed from the checkpoint.
    static func aCrashDrainsTheNodeAndResumesOnTheSpare(_ stage: Stage) async throws {
        let store = try stage.stage.server.store()
        let victim = try #require(try await store.ranks().first {
            $0.snapshot.identity.job == "slurm-train" && $0.node == "node2" && $0.snapshot.status == .running
        })
        let faultNs = wallClockNanoseconds()
        kill(victim.snapshot.identity.pid, SIGKILL)
        var recovery: StoredRecovery?
        let recovered = try await eventually(timeout: .seconds(120), every: .milliseconds(250)) {
            recovery = try await store.recoveries(job: "slurm-train").first
            return recovery?.state == .training || recovery?.state == .failed
        }
        try #require(recovered, "recovery: \(String(describing: recovery))")
        #expect(recovery?.state == .training, "\(recovery?.failure ?? "")")
        #expect(recovery?.restoredStep != nil, "resumed from the checkpoint")
        if let recovery { print(BackendRecoveryFigure(backend: "slurm", fault: "crash", faultNs: faultNs, recovery).line) }
        let runs = try await store.runs(job: "slurm-train")
        #expect(runs.map(\.state) == [.stopped, .running] || runs.map(\.state) == [.exited, .running], "\(runs.map(\.state))")
        #expect(runs.last?.hosts.map(\.host) == ["node3", "node1"] && runs.last?.slurmJob != runs.first?.slurmJob)
        let node2 = try #require(try await stage.slurm.nodes().first { $0.name == "node2" })
        #expect(node2.vigilDrain?.incidentClass == "rank-crash" && node2.vigilDrain?.incident != nil, "drained: \(node2)")
        let nodes = try await stage.stage.server.cli(["nodes"])
        #expect(nodes.out.contains("cordoned (drained: vigil: rank-crash incident"), "\(nodes.out)")
    }

    static func aStopCancelsTheSlurmJob(_ stage: Stage) async throws {
        let store = try stage.stage.server.store()
        let id = try #require(try await store.runs(job: "slurm-train").last?.slurmJob)
        let stopped = try await stage.stage.server.cli(["stop", "slurm-train", "--grace", "1"] + stage.token)
        #expect(stopped.status == 0 && stopped.out.contains("job slurm-train attempt 2 (Slurm job \(id)): stopped"),
                "\(stopped.out)\(stopped.err)")
        #expect(try await stage.slurm.state(of: id).map { !SlurmController.isActive($0) } ?? true, "Slurm says it ended")
        let gone = await eventually(timeout: .seconds(15)) {
            (try? stage.stage.processes("[v]igil-train --steps 1000000", on: "node1").isEmpty) ?? false
        }
        #expect(gone, "no rank left (the bench's hosts share one process table)")
    }

    /// Vigil's drain of node2 lifted by uncordon; an admin's drain of node1
    /// left alone (said so), and a launch there refused before Slurm sees it.
    static func uncordonResumesOnlyVigilsDrains(_ stage: Stage) async throws {
        let uncordoned = try await stage.stage.server.cli(["uncordon", "node2"] + stage.token)
        #expect(uncordoned.status == 0 && !uncordoned.out.contains("note:"), "\(uncordoned.out)\(uncordoned.err)")
        #expect(try await stage.slurm.nodes().first { $0.name == "node2" }?.isDrained == false, "resumed in Slurm")

        let admin = try runTool("/usr/bin/scontrol", ["update", "NodeName=node1", "State=DRAIN", "Reason=disk replacement"],
                                environment: ["SLURM_CONF": stage.slurm.configFile ?? ""])
        try #require(admin.status == 0, "\(admin.output)")
        let cordoned = try await stage.stage.server.cli(["cordon", "node1"] + stage.token)
        #expect(cordoned.status == 0, "\(cordoned.out)\(cordoned.err)")
        #expect(try await stage.slurm.nodes().first { $0.name == "node1" }?.reason == "disk replacement", "the admin's reason kept")
        let left = try await stage.stage.server.cli(["uncordon", "node1"] + stage.token)
        #expect(left.status == 0 && left.out.contains("note: node1 stays drained in Slurm: drained by someone else (disk replacement)"),
                "\(left.out)\(left.err)")
        #expect(try await stage.slurm.nodes().first { $0.name == "node1" }?.isDrained == true)
        let refused = try await launch(stage, job: "slurm-elsewhere", hosts: "node1:1", ["/bin/true"])
        #expect(refused.status != 0 && refused.err.contains("slurm will not run there: node1 (drained: disk replacement)"),
                "\(refused.err)")
        #expect(try await stage.stage.server.store().runs(job: "slurm-elsewhere").isEmpty)
        try await stage.slurm.resume("node1")
    }

    /// A controller that is down: a clear error, and nothing recorded as done.
    static func aStoppedControllerIsSaidPlainly(_ stage: Stage) async throws {
        let bench = stage.stage.bench
        let pid = try #require(Int32(try String(contentsOfFile: bench.directory + "/slurm/slurmctld.run", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        kill(pid, SIGTERM)
        let stopped = await eventually(timeout: .seconds(20)) { kill(pid, 0) != 0 }
        #expect(stopped)
        let launched = try await launch(stage, job: "slurm-nowhere", hosts: "node2:1", ["/bin/true"])
        #expect(launched.status != 0 && launched.err.contains("the Slurm controller does not answer"), "\(launched.err)")
        let store = try stage.stage.server.store()
        #expect(try await store.runs(job: "slurm-nowhere").isEmpty, "no attempt recorded as started")
        let cordon = try await stage.stage.server.cli(["cordon", "node3"] + stage.token)
        #expect(cordon.status != 0 && cordon.err.contains("the Slurm controller does not answer"), "\(cordon.err)")
        #expect(try await store.nodes().first { $0.name == "node3" }?.cordoned != true, "no cordon recorded without its drain")
    }

    /// The shipped prolog, told where vigil and its config are (a real node has
    /// them in /usr/local/bin and /etc/vigil) and given per-host files: the
    /// bench's hosts share one file system.
    static func prolog(_ scope: TestScope) throws -> String {
        let path = scope.directory.appendingPathComponent("prolog").path
        let dir = scope.directory.path
        try """
            #!/bin/sh
            h=$(hostname)
            VIGIL=\(Paths.vigil) VIGIL_CONFIG=\(dir)/vigil.yaml VIGIL_AGENT_LOG=\(dir)/agent-$h.log \\
                exec sh \(Paths.packageRoot.appendingPathComponent("docs/slurm/prolog.sh").path) \\
                --spool \(dir)/spool-$h --run-dir \(dir)/runs-$h

            """.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    /// The agent section the prolog's agents read: the server on the bench's bridge.
    static func agentConfig(_ stage: LaunchStage) throws {
        try """
            agent:
              server: \(stage.server.address)
              token-file: \(stage.server.tokenFile)
              data-network: \(ClusterBench.dataNet).0/24
              uplink-interval: 0.2

            """.write(toFile: stage.scope.directory.appendingPathComponent("vigil.yaml").path, atomically: true, encoding: .utf8)
    }
}
