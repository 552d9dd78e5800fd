import Foundation
import Testing
import VigilCore
import VigilSlurm

/// Vigil's Slurm calls against a real Slurm on the namespace bench: a
/// slurmctld here, a slurmd on each host inside its namespaces. The nodes'
/// agents are started by the Prolog Vigil ships (docs/slurm/prolog.sh),
/// configured by a config file. One bench for all the cases: submit (ranks
/// register from both hosts, the job completes), cancel (confirmed gone,
/// nothing left on the hosts), drain and resume with Vigil's reason beside
/// an admin's drain, and a stopped controller.
@Suite(.serialized)
struct SlurmControllerTests {
    @Test func vigilDrivesARealSlurm() async throws {
        try await withScope("slurm") { scope in
            let stage = try await scope.launchStage(hosts: 2, slurm: true, slurmProlog: try Self.prolog(scope))
            let slurm = SlurmController(configFile: stage.bench.slurmConf,
                                        workDirectory: scope.directory.appendingPathComponent("slurm-work").path)
            try Self.agentConfig(stage)
            try await Self.anAttemptRunsInItsAllocation(stage, slurm)
            try await Self.aCancelledAttemptIsGoneFromEveryHost(stage, slurm)
            try await Self.onlyVigilsDrainsAreVigils(slurm)
            try await Self.aStoppedControllerIsSaidPlainly(stage, slurm)
        }
    }

    static func spec(job: String, steps: Int) -> RunSpec {
        RunSpec(job: job, hosts: [.init(host: "node2", slots: 1), .init(host: "node1", slots: 1)],
                command: [Paths.vigilTrain, "--steps", "\(steps)", "--compute-us", "2000"],
                environment: ["OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"],
                mpirunArguments: ["--mca", "oob_tcp_if_include", "\(ClusterBench.net).0/24",
                                  "--mca", "btl", "self,vader,tcp", "--mca", "btl_tcp_if_include", "\(ClusterBench.dataNet).0/24",
                                  "--bind-to", "none", "--mca", "mpi_yield_when_idle", "1"],
                libvigil: Paths.libvigil)
    }

    static func submission(_ stage: LaunchStage, job: String, steps: Int) -> SlurmSubmission {
        SlurmSubmission(spec: spec(job: job, steps: steps), outputDirectory: stage.scope.directory.path)
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

    /// Ranks on both hosts register with their hosts' agents, which the
    /// server hears, in the attempt's host order (node2 first, against the
    /// allocation's); the job then completes.
    static func anAttemptRunsInItsAllocation(_ stage: LaunchStage, _ slurm: SlurmController) async throws {
        let id = try await slurm.submit(submission(stage, job: "slurm-train", steps: 300))
        let store = try stage.server.store()
        let registered = try await eventually(timeout: .seconds(60), every: .milliseconds(200)) {
            let ranks = try await store.ranks().filter { $0.snapshot.identity.job == "slurm-train" }
            return Dictionary(ranks.map { ($0.snapshot.identity.rank, $0.node) }, uniquingKeysWith: { first, _ in first }) == [0: "node2", 1: "node1"]
        }
        let state = try await slurm.state(of: id) ?? "gone"
        #expect(registered, "ranks did not register from both hosts in order (Slurm job \(id): \(state))")
        let completed = try await eventually(timeout: .seconds(120), every: .milliseconds(200)) {
            try await slurm.state(of: id).map { !SlurmController.isActive($0) } ?? true
        }
        #expect(completed)
        #expect(try await slurm.state(of: id) == "COMPLETED")
    }

    /// Cancelled: Slurm confirms it ended, and no rank is left (the bench's
    /// hosts share one process table, so one look sees both).
    static func aCancelledAttemptIsGoneFromEveryHost(_ stage: LaunchStage, _ slurm: SlurmController) async throws {
        let id = try await slurm.submit(submission(stage, job: "slurm-long", steps: 1_000_000))
        let store = try stage.server.store()
        let running = try await eventually(timeout: .seconds(60), every: .milliseconds(200)) {
            try await store.ranks().filter { $0.snapshot.identity.job == "slurm-long" }.count == 2
        }
        #expect(running, "the long job's ranks did not register")
        try await slurm.cancel(id)
        #expect(try await slurm.state(of: id).map { $0 == "CANCELLED" } ?? true)
        let gone = try await eventually(timeout: .seconds(15)) {
            try stage.processes("[v]igil-train --steps 1000000", on: "node1").isEmpty
        }
        #expect(gone, "ranks left after the cancel")
    }

    static func onlyVigilsDrainsAreVigils(_ slurm: SlurmController) async throws {
        try await slurm.drain("node1", reason: SlurmDrainReason(incidentClass: "crash", incident: "17"))
        let admin = try runTool("/usr/bin/scontrol", ["update", "NodeName=node2", "State=DRAIN", "Reason=disk replacement"],
                                environment: ["SLURM_CONF": slurm.configFile ?? ""])
        #expect(admin.status == 0, "\(admin.output)")
        let nodes = Dictionary(uniqueKeysWithValues: try await slurm.nodes().map { ($0.name, $0) })
        #expect(nodes["node1"]?.vigilDrain == SlurmDrainReason(incidentClass: "crash", incident: "17"))
        #expect(nodes["node2"]?.isDrained == true && nodes["node2"]?.vigilDrain == nil)
        #expect(nodes["node2"]?.reason == "disk replacement")
        try await slurm.resume("node1")
        try await slurm.resume("node2")
        let idle = try await slurm.nodes().allSatisfy { !$0.isDrained }
        #expect(idle)
        await #expect(throws: SlurmError.self) { try await slurm.drain("node1;reboot", reason: .init(incidentClass: "crash", incident: "1")) }
    }

    static func aStoppedControllerIsSaidPlainly(_ stage: LaunchStage, _ slurm: SlurmController) async throws {
        let pid = try #require(Int32(try String(contentsOfFile: stage.bench.directory + "/slurm/slurmctld.run", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        kill(pid, SIGTERM)
        let stopped = await eventually(timeout: .seconds(20)) { kill(pid, 0) != 0 }
        #expect(stopped)
        do {
            _ = try await slurm.submit(submission(stage, job: "slurm-nowhere", steps: 1))
            Issue.record("a submission to a stopped controller succeeded")
        } catch {
            guard case .unreachable = error else {
                Issue.record("not said to be unreachable: \(error)")
                return
            }
        }
    }
}
