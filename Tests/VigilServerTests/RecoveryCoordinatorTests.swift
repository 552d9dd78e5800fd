import Foundation
import Logging
import Testing
import VigilCore
import VigilRecovery
import VigilStore
import VigilWire
@testable import VigilServer

/// The recovery loop through the job lifecycle and the ssh backend, its
/// agents faked at the directory (the frames it queues are read back; the
/// agents' answers fed in as batches) over a real SQLite store: no socket, no MPI.
struct RecoveryCoordinatorTests {
    static let hosts = ["n1", "n2", "n3"]

    struct Bench {
        let store: SQLiteStore
        let directory = AgentDirectory()
        let coordinator: RecoveryCoordinator
        let agents: AgentBackend
        let path: String
        var seq: UInt64 = 10

        init(mode: RecoveryConfiguration.Mode) throws {
            path = NSTemporaryDirectory() + "vigil-recovery-\(UUID().uuidString).sqlite"
            store = try SQLiteStore(path: path)
            for node in RecoveryCoordinatorTests.hosts + ["s1"] { _ = directory.join(node, from: "127.0.0.1") }
            agents = AgentBackend(directory: directory)
            let lifecycle = JobLifecycle(backend: agents, store: store, directory: directory, detector: nil,
                                         logger: Logger(label: "test"))
            coordinator = RecoveryCoordinator(configuration: RecoveryConfiguration(mode: mode, spares: ["s1"], stopGraceNs: 1_000_000_000),
                                              store: store, recoveries: store, lifecycle: lifecycle,
                                              logger: Logger(label: "test"))
        }

        func remove() {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }

        /// Attempt 1 running on n1-n3, started by n1's agent.
        func started() async throws -> JobRun {
            let hosts = RecoveryCoordinatorTests.hosts.map { HostSlots(host: $0, slots: 2) }
            let spec = RunSpec(job: "train", attempt: 1, hosts: hosts, command: ["vigil-train", "--resume"], libvigil: nil)
            let run = JobRun(job: "train", attempt: 1, node: "n1", hosts: hosts, command: spec.command, state: .running,
                             startedNs: wallClockNanoseconds() - 60_000_000_000, spec: spec)
            _ = try await store.store(TelemetryBatch(seq: 1, items: [.run(run)]), from: "n1", receivedAtNs: run.startedNs)
            return run
        }

        func incident(_ incidentClass: Incident.Class = .rankCrash) -> Incident {
            let now = wallClockNanoseconds()
            return Incident(job: "train", incidentClass: incidentClass, suspects: [.init(node: "n2", rank: 3)], confidence: 0.9,
                            evidence: .init(summary: "rank 3 died"), firstSeenNs: now - 1_000_000_000, detectedNs: now)
        }

        /// The job controls queued for `node` so far.
        func controls(for node: String) throws -> [JobControl] {
            try directory.pending(for: node).filter { $0.kind == .jobControl }.map { try JobControl(frame: $0) }
        }

        mutating func answer(_ reply: JobControlReply, from node: String) async throws {
            seq += 1
            let batch = TelemetryBatch(seq: seq, items: [.jobControl(reply)])
            _ = try await store.store(batch, from: node, receivedAtNs: wallClockNanoseconds())
            agents.ingest(batch, from: node)
            await coordinator.ingest(batch, from: node)
        }
    }

    static func eventually(_ condition: () async throws -> Bool) async rethrows -> Bool {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// Crash on n2: cordoned with the incident named, the attempt stopped
    /// on every host, attempt 2 started on n1, s1, n3 by n1's agent, and
    /// training again once a new rank finished a collective.
    @Test func aCrashIsFollowedByARestartOnTheSpare() async throws {
        var bench = try Bench(mode: .automatic)
        defer { bench.remove() }
        _ = try await bench.started()
        await bench.coordinator.consider([bench.incident()], nowNs: wallClockNanoseconds())
        var stopsSeen: Set<String> = []
        let stopped = try await Self.eventually {
            for node in Self.hosts where try bench.controls(for: node).contains(.stop(job: "train", attempt: 1, graceMs: 1_000)) {
                stopsSeen.insert(node)
            }
            return stopsSeen.count == 3
        }
        #expect(stopped, "a stop for every host: \(stopsSeen)")
        let nodes = try await bench.store.nodes()
        #expect(nodes.first { $0.name == "n2" }?.cordonReason == "vigil: rank-crash, incident rank-crash/train/crash")
        for node in Self.hosts {
            try await bench.answer(JobControlReply(job: "train", attempt: 1, action: .stop, ok: true, ranks: 2,
                                                   atNs: wallClockNanoseconds()), from: node)
        }
        var start: RunSpec?
        #expect(try await Self.eventually {
            start = try bench.controls(for: "n1").compactMap { if case .start(let spec) = $0 { spec } else { nil } }.first
            return start != nil
        }, "attempt 2 started by n1's agent")
        #expect(start?.attempt == 2 && start?.hosts.map(\.host) == ["n1", "s1", "n3"] && start?.command == ["vigil-train", "--resume"])
        try await bench.answer(JobControlReply(job: "train", attempt: 2, action: .start, ok: true, atNs: wallClockNanoseconds()),
                               from: "n1")
        let rank = RankSnapshot(identity: RankIdentity(job: "train", rank: 2, worldSize: 6, pid: 4_242, host: "s1", attempt: 2),
                                status: .running,
                                exitStatus: nil, counters: RingCounters(consumed: 1, pending: 0, dropped: 0), blocked: nil,
                                progress: [.init(communicator: 1, size: 6, lastSeqEntered: 1, lastSeqLeft: 1)])
        _ = try await bench.store.store(TelemetryBatch(seq: 1, items: [.rank(rank)]), from: "s1", receivedAtNs: wallClockNanoseconds())
        var recovery: StoredRecovery?
        #expect(try await Self.eventually {
            recovery = try await bench.store.recoveries(job: "train").first
            return recovery?.state == .training
        }, "training again: \(String(describing: recovery))")
        #expect(recovery?.stoppedNs != nil && recovery?.launchedNs != nil && (recovery?.rankSecondsLost ?? 0) > 0)
        #expect(try await bench.store.restartBudget(job: "train").restarts.count == 1, "the restart counts against the budget")
    }

    @Test func dryRunPlansAndRecordsButChangesNothing() async throws {
        let bench = try Bench(mode: .dryRun)
        defer { bench.remove() }
        _ = try await bench.started()
        await bench.coordinator.consider([bench.incident()], nowNs: wallClockNanoseconds())
        let recovery = try await bench.store.recoveries(job: "train").first
        #expect(recovery?.state == .dryRun && recovery?.plan?.hosts.map(\.host) == ["n1", "s1", "n3"])
        #expect(try Self.hosts.allSatisfy { try bench.controls(for: $0).isEmpty }, "nothing sent")
        #expect(try await bench.store.nodes().allSatisfy { !$0.cordoned }, "nothing cordoned")
    }

    @Test func approvalWaitsForTheOperator() async throws {
        let bench = try Bench(mode: .approval)
        defer { bench.remove() }
        _ = try await bench.started()
        await bench.coordinator.consider([bench.incident()], nowNs: wallClockNanoseconds())
        let recovery = try #require(try await bench.store.recoveries(job: "train").first)
        let sent = try bench.controls(for: "n1")
        #expect(recovery.state == .awaitingApproval && sent.isEmpty)
        await #expect(throws: RecoveryError.self) { _ = try await bench.coordinator.approve(recovery.id + 1, nowNs: 1) }
        _ = try await bench.coordinator.approve(recovery.id, nowNs: wallClockNanoseconds())
        #expect(try await Self.eventually { try bench.controls(for: "n2").contains(.stop(job: "train", attempt: 1, graceMs: 1_000)) })
    }

    /// An operator's restart: whatever the mode, the excluded node's place
    /// taken by the spare, nothing cordoned, the budget untouched; a node
    /// not in the job is refused.
    @Test func anOperatorsRestartReplacesTheExcludedNode() async throws {
        let bench = try Bench(mode: .off)
        defer { bench.remove() }
        _ = try await bench.started()
        await #expect(throws: RecoveryError.self) {
            _ = try await bench.coordinator.restart(job: "train", excluding: ["elsewhere"], nowNs: wallClockNanoseconds())
        }
        let plan = try await bench.coordinator.restart(job: "train", excluding: ["n2"], dryRun: true, nowNs: wallClockNanoseconds())
        #expect(plan.state == .dryRun && plan.id == 0 && plan.plan?.placement == .spares(["n2": "s1"]))
        let recorded = try await bench.store.recoveries(job: "train")
        #expect(try bench.controls(for: "n2").isEmpty && recorded.isEmpty, "a dry run changes nothing")
        let recovery = try await bench.coordinator.restart(job: "train", excluding: ["n2"], nowNs: wallClockNanoseconds())
        #expect(recovery.incidentClass == nil && recovery.plan?.hosts.map(\.host) == ["n1", "s1", "n3"] && recovery.plan?.cordon == [])
        #expect(recovery.why.first == "restart asked for by an operator, excluding n2", "\(recovery.why)")
        #expect(try await Self.eventually { try bench.controls(for: "n2").contains(.stop(job: "train", attempt: 1, graceMs: 1_000)) })
        #expect(try await bench.store.nodes().allSatisfy { !$0.cordoned })
        #expect(try await bench.store.restartBudget(job: "train").restarts.isEmpty)
    }
}

extension RecoveryCoordinatorTests {
    /// A job that crashed the same way after each of its last three
    /// restarts is left stopped, with an incident of its own; the budget is
    /// read from the store, as a restarted server would.
    @Test func theSameFailureAgainGivesUpWithAnIncidentOfItsOwn() async throws {
        let bench = try Bench(mode: .automatic)
        defer { bench.remove() }
        _ = try await bench.started()
        var budget = RestartBudget()
        let limits = RecoveryConfiguration().budget, start = wallClockNanoseconds() - 30_000_000_000
        for i: UInt64 in 0..<3 { budget.recordRestart(failure: "rank-crash", atNs: start + i, limits: limits) }
        try await bench.store.saveRestartBudget(budget, job: "train")
        await bench.coordinator.consider([bench.incident()], nowNs: wallClockNanoseconds())
        let recovery = try await bench.store.recoveries(job: "train").first
        #expect(recovery?.state == .gaveUp && recovery?.why.first?.contains("failed the same way (rank-crash) 4 times") == true,
                "\(String(describing: recovery))")
        let raised = try await bench.store.incidents(job: "train").map(\.incident).first { $0.incidentClass == .recoveryGaveUp }
        #expect(raised?.resolvedNs == nil && raised?.suspects == [.init(node: "n2", rank: 3)], "\(String(describing: raised))")
        #expect(raised?.evidence.summary.hasSuffix("the last: rank-crash: n2 rank 3") == true)
        #expect(try Self.hosts.allSatisfy { try bench.controls(for: $0).isEmpty }, "nothing stopped or started")
    }
}
