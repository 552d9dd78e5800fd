import Logging
import VigilCore

/// The one owner of every job's lifecycle: a launch, a stop and a restart
/// (an operator's or recovery's) all go through here. It numbers the
/// attempt, checks the hosts (cordons, the scheduler's drains), starts it
/// through the backend, confirms that every rank registered (or says how
/// it ended), and keeps nodes cordoned in the store and the scheduler alike.
public actor JobLifecycle {
    public nonisolated let backend: any JobBackend
    let store: any TelemetryStore
    let directory: AgentDirectory
    /// Told when an attempt is being stopped, so that its teardown is not taken for faults.
    let detector: DetectorService?
    let logger: Logger
    /// Jobs being launched or stopped now: one change of a job at a time.
    private var busy: Set<String> = []

    public init(backend: any JobBackend, store: any TelemetryStore, directory: AgentDirectory, detector: DetectorService?,
                logger: Logger) {
        self.backend = backend
        self.store = store
        self.directory = directory
        self.detector = detector
        self.logger = logger
    }

    /// Starts `request` as its job's next attempt and waits (at most
    /// `startTimeoutNs`) for every rank to register or mpirun to end.
    public func launch(_ request: RunSpec, startTimeoutNs: UInt64) async throws -> LaunchOutcome {
        try claim(request.job)
        defer { busy.remove(request.job) }
        let runs = try await store.runs(job: request.job)
        if let running = runs.first(where: { $0.state == .running }) {
            throw JobLifecycleError.refused("job \(request.job) attempt \(running.attempt) is still running (vigil stop \(request.job))")
        }
        var spec = request
        spec.attempt = (runs.map(\.attempt).max() ?? 0) + 1
        do { try spec.validate() } catch { throw JobLifecycleError.refused(error.description) }
        try await refuseUnusable(spec.hosts.map(\.host))
        _ = try await start(spec)
        return try await awaitStart(spec, timeoutNs: startTimeoutNs)
    }

    /// Stops `job`'s latest attempt everywhere (confirmed); the attempt as stopped.
    public func stop(job: String, graceNs: UInt64) async throws -> JobRun {
        try claim(job)
        defer { busy.remove(job) }
        guard let run = try await store.runs(job: job).max(by: { $0.attempt < $1.attempt }) else {
            throw JobLifecycleError.noSuchJob(job)
        }
        try await stop(run, graceNs: graceNs)
        return try await awaitRecordedEnd(run)
    }

    /// Starts an attempt (launch and recovery alike): the run if the backend recorded it.
    func start(_ spec: RunSpec) async throws -> JobRun? {
        let run = try await backend.start(spec)
        logger.notice("attempt started", metadata: ["job": "\(spec.job)", "attempt": "\(spec.attempt)",
                                                    "backend": "\(backend.name)", "hosts": "\(spec.hosts.count)"])
        return run
    }

    /// Stops an attempt (an operator's stop and recovery alike); its teardown is not a fault.
    func stop(_ run: JobRun, graceNs: UInt64) async throws {
        detector?.stopping(job: run.job, attempt: run.attempt)
        do {
            try await backend.stop(run, graceNs: graceNs)
        } catch {
            detector?.resumed(job: run.job)  // whatever still runs of it is evidence again
            throw error
        }
    }

    /// In the scheduler first: a node the scheduler would not drain is not recorded as cordoned.
    public func cordon(_ node: String, cause: CordonCause) async throws -> CordonChange {
        try await backend.cordon(node, cause: cause)
        let changed = try await store.setCordoned(node, true, reason: cause.reason, atNs: wallClockNanoseconds())
        return CordonChange(node: node, cordoned: true, changed: changed)
    }

    /// Vigil's cordon lifted; the scheduler's note when it keeps the node out anyway.
    public func uncordon(_ node: String) async throws -> CordonChange {
        let note = try await backend.uncordon(node)
        let changed = try await store.setCordoned(node, false, reason: nil, atNs: wallClockNanoseconds())
        return CordonChange(node: node, cordoned: false, changed: changed, note: note)
    }

    /// Nodes a new attempt may use, cordons aside.
    func usableNodes() async throws -> Set<String> {
        try await backend.usableNodes() ?? directory.connectedNodes
    }

    private func claim(_ job: String) throws {
        guard busy.insert(job).inserted else { throw JobLifecycleError.refused("job \(job) is being launched or stopped already") }
    }

    /// A cordoned host, or one the scheduler keeps out, is never chosen: refused before anything starts.
    private func refuseUnusable(_ hosts: [String]) async throws {
        let cordoned = Set(try await store.nodes().filter(\.cordoned).map(\.name))
        if case let refused = hosts.filter(cordoned.contains), !refused.isEmpty {
            throw JobLifecycleError.refused("cordoned, not launching there: \(refused.joined(separator: ", ")) (vigil uncordon NODE)")
        }
        guard let usable = try await backend.usableNodes() else { return }
        if case let refused = hosts.filter({ !usable.contains($0) }), !refused.isEmpty {
            let states = await backend.nodeStates()
            throw JobLifecycleError.refused("\(backend.name) will not run there: "
                + refused.map { "\($0) (\(states[$0] ?? "unknown to it"))" }.joined(separator: ", "))
        }
    }

    /// Until every rank of the attempt registered, mpirun ended, or the timeout passed.
    private func awaitStart(_ spec: RunSpec, timeoutNs: UInt64) async throws -> LaunchOutcome {
        let deadline = wallClockNanoseconds() + timeoutNs
        while true {
            let registered = Set(try await store.ranks(job: spec.job).map(\.snapshot.identity)
                .filter { $0.attempt == spec.attempt }.map(\.rank)).count
            let run = try await store.runs(job: spec.job).first { $0.attempt == spec.attempt }
            let verdict = StartVerdict(run: run, registered: registered, expected: spec.ranks)
            let outcome = LaunchOutcome(job: spec.job, attempt: spec.attempt, backend: backend.name, hosts: spec.hosts,
                                        ranks: spec.ranks, registered: registered, verdict: verdict.outcome, run: run)
            guard case .waiting = verdict, wallClockNanoseconds() < deadline else { return outcome }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// The end as the store has it: the agent reports it with its next
    /// heartbeat (ssh); the Slurm backend recorded it already.
    private func awaitRecordedEnd(_ run: JobRun) async throws -> JobRun {
        let deadline = wallClockNanoseconds() + 15_000_000_000
        while wallClockNanoseconds() < deadline {
            if let now = try await store.runs(job: run.job).first(where: { $0.attempt == run.attempt }), now.state != .running {
                return now
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw JobLifecycleError.backend("attempt \(run.attempt) stopped, but its end was not reported within 15 s")
    }
}

extension StartVerdict {
    var outcome: LaunchOutcome.Verdict {
        switch self {
        case .running: .running
        case .ended: .ended
        case .waiting: .waiting
        }
    }
}

public enum JobLifecycleError: Error, CustomStringConvertible {
    /// Not done, and why: nothing was changed.
    case refused(String)
    case noSuchJob(String)
    /// The backend (the agents, Slurm) could not do it.
    case backend(String)

    public var description: String {
        switch self {
        case .refused(let why): why
        case .noSuchJob(let job): "no attempt of \(job) is known to the server"
        case .backend(let why): why
        }
    }
}
