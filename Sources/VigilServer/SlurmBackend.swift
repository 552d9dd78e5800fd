import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import VigilCore
import VigilLifecycle
import VigilSlurm

/// The Slurm backend: an attempt is an `sbatch` job whose batch step runs
/// the attempt's mpirun inside the allocation (SlurmSubmission); stop is
/// `scancel`, confirmed; a cordon drains the node with Vigil's reason. No
/// agent runs mpirun here, so this backend records its attempts itself and,
/// as a service, follows them to their end (and keeps Slurm's node states).
public final class SlurmBackend: JobBackend, Service {
    public let name = "slurm"
    private let controller: SlurmController
    private let partition: String?
    /// Where the batch steps write their output (the Slurm nodes' path; read from here when it is shared).
    private let outputDirectory: String
    private let store: any TelemetryStore
    private let logger: Logger
    /// Slurm's nodes as last read, and when.
    private let known = Mutex<[SlurmNode]?>(nil)

    static let followEvery: Duration = .seconds(1)

    public init(controller: SlurmController, partition: String?, outputDirectory: String, store: any TelemetryStore,
                logger: Logger) {
        self.controller = controller
        self.partition = partition
        self.outputDirectory = outputDirectory
        self.store = store
        self.logger = logger
    }

    /// Submitted, then recorded; a submission that cannot be recorded is
    /// cancelled again, so no attempt runs that the store does not know.
    public func start(_ spec: RunSpec) async throws -> JobRun? {
        let id = try await controller.submit(SlurmSubmission(spec: spec, partition: partition, outputDirectory: outputDirectory))
        let now = wallClockNanoseconds()
        let run = JobRun(job: spec.job, attempt: spec.attempt, node: spec.hosts[0].host, hosts: spec.hosts,
                         command: spec.command, state: .running, startedNs: now, slurmJob: id, spec: spec)
        do {
            try await store.saveRun(run, atNs: now)
        } catch {
            try? await controller.cancel(id)
            throw JobLifecycleError.backend("Slurm job \(id) cancelled again: the attempt could not be recorded: \(error)")
        }
        return run
    }

    /// scancel (Slurm signals, then kills after its KillWait), confirmed gone, then recorded.
    public func stop(_ run: JobRun, graceNs: UInt64) async throws {
        guard let id = run.slurmJob else { throw JobLifecycleError.backend("attempt \(run.attempt) has no Slurm job") }
        if try await controller.status(of: id)?.isActive == true { try await controller.cancel(id) }
        if run.state == .running { try await finish(run, try await controller.status(of: id)) }
    }

    /// Drained with Vigil's reason; a node someone else drained keeps their reason.
    public func cordon(_ node: String, cause: CordonCause) async throws {
        if let slurm = try await controller.nodes().first(where: { $0.name == node }), slurm.isDrained, slurm.vigilDrain == nil {
            return
        }
        let reason = cause.incidentClass.map { SlurmDrainReason(incidentClass: $0, incident: cause.incident.map { "\($0)" }) }
            ?? .operatorCordon
        try await controller.drain(node, reason: reason)
        await refresh()
    }

    /// Resumes only a node Vigil drained; another's drain is left, and said.
    public func uncordon(_ node: String) async throws -> String? {
        guard let slurm = try await controller.nodes().first(where: { $0.name == node }) else {
            return "\(node) is not a Slurm node: nothing to resume there"
        }
        guard slurm.isDrained else { return nil }
        guard slurm.vigilDrain != nil else {
            return "\(node) stays drained in Slurm: drained by someone else (\(slurm.reason)); `scontrol update NodeName=\(node) State=RESUME` when that is done"
        }
        try await controller.resume(node)
        await refresh()
        return nil
    }

    /// Read afresh: a drain a moment ago counts, and a controller that is down is said so.
    public func usableNodes() async throws -> Set<String>? {
        let nodes = try await controller.nodes()
        known.withLock { $0 = nodes }
        return Set(nodes.filter { !$0.isDrained && !$0.isDown }.map(\.name))
    }

    public func nodeStates() async -> [String: String] {
        Dictionary((known.withLock { $0 } ?? []).map { node in
            var text = node.state + (node.notResponding ? ", not responding" : "")
            if !node.reason.isEmpty { text += ": \(node.reason)" }
            return (node.name, text)
        }, uniquingKeysWith: { first, _ in first })
    }

    /// Every second: Slurm's nodes, and the end of each attempt it runs.
    public func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.refresh()
                await self.followAttempts()
                guard (try? await Task.sleep(for: Self.followEvery)) != nil else { return }
            }
        }
    }

    private func refresh() async {
        do {
            let nodes = try await controller.nodes()
            known.withLock { $0 = nodes }
        } catch {
            logger.warning("Slurm node states not read", metadata: ["reason": "\(error)"])
        }
    }

    private func followAttempts() async {
        do {
            for run in try await store.runningRuns() where run.slurmJob != nil {
                let status = try await controller.status(of: run.slurmJob!)
                if status?.isActive != true { try await finish(run, status) }
            }
        } catch {
            logger.warning("Slurm attempts not followed", metadata: ["reason": "\(error)"])
        }
    }

    /// Records how the attempt ended: stopped when cancelled, else its
    /// exit status (nil after a signal), with the tail of its output.
    private func finish(_ run: JobRun, _ status: SlurmJobStatus?) async throws {
        var ended = run
        let now = wallClockNanoseconds()
        ended.state = status?.wasCancelled == true ? .stopped : .exited
        ended.endedNs = now
        ended.exitStatus = status.flatMap { $0.signal == 0 && !$0.wasCancelled ? $0.exitStatus : nil }
        if let path = status?.outputPath { ended.stdoutTail = OutputTail.read(path, limit: JobRun.tailBytes) }
        try await store.saveRun(ended, atNs: now)
    }
}
