import Foundation
import Logging
import Synchronization
import VigilCore
import VigilLifecycle
#if canImport(Glibc)
import Glibc
#endif

/// The jobs whose mpirun this agent started (`RUN`), and stopping a job's
/// processes on this node (`STOP`). mpirun runs in a session of its own so
/// that a stop reaches it and everything it forked; its output goes to
/// per-attempt log files whose tails travel upstream with each change.
public final class JobRunner: Sendable {
    private struct Active {
        var run: JobRun
        let pid: pid_t
        let stdoutPath: String
        let stderrPath: String
        var stopping = false
        /// Whether the server has seen the latest state.
        var reported = false
        /// Ended: its logs are read once more, then the run is forgotten once reported.
        var finalTails = false
    }

    public struct Started: Sendable, Equatable {
        public var pid: Int32
        public var stdoutPath: String
        public var stderrPath: String
    }

    private let node: String
    private let logDirectory: String
    private let table: RankTable
    private let logger: Logger
    private let runs = Mutex<[String: Active]>([:])
    /// A stop that finds mpirun ended this recently takes the end as its own.
    static let sameStopNs: UInt64 = 5_000_000_000
    /// One start at a time: the busy check and the spawn must not interleave.
    private let starting = Mutex(())

    public init(node: String, logDirectory: String, table: RankTable, logger: Logger) {
        self.node = node
        self.logDirectory = logDirectory
        self.table = table
        self.logger = logger
    }

    /// Start `spec`'s mpirun; refuses a job that already runs here.
    public func start(_ spec: RunSpec) throws(JobRunnerError) -> Started {
        try starting.withLock { _ throws(JobRunnerError) in try startAlone(spec) }
    }

    private func startAlone(_ spec: RunSpec) throws(JobRunnerError) -> Started {
        // Per attempt: the last one's end is still reported when the next starts a moment after its stop.
        let key = "\(spec.job).\(spec.attempt)"
        // An attempt being stopped is no longer the job: its mpirun may still wind down.
        let busy = runs.withLock { $0.values.contains { $0.run.job == spec.job && $0.run.state == .running && !$0.stopping } }
        guard !busy else { throw .alreadyRunning(spec.job) }
        guard mkdir(logDirectory, 0o700) == 0 || errno == EEXIST else {
            throw .spawn("cannot create \(logDirectory): \(String(cString: strerror(errno)))")
        }
        let base = "\(logDirectory)/\(spec.job).\(spec.attempt)"
        let (stdoutPath, stderrPath) = (base + ".out", base + ".err")
        let pid = try ProcessSpawner.spawnInNewSession(spec.mpirunArgv, environment: spec.environment,
                                                       stdout: stdoutPath, stderr: stderrPath)
        let run = JobRun(job: spec.job, attempt: spec.attempt, node: node, hosts: spec.hosts, command: spec.command,
                         state: .running, startedNs: wallClockNanoseconds(), spec: spec)
        runs.withLock { $0[key] = Active(run: run, pid: pid, stdoutPath: stdoutPath, stderrPath: stderrPath) }
        logger.info("job started", metadata: ["job": "\(spec.job)", "attempt": "\(spec.attempt)", "pid": "\(pid)",
                                              "ranks": "\(spec.ranks)", "stdout": "\(stdoutPath)"])
        let thread = Thread { [self] in reap(key, pid) }
        thread.start()
        return Started(pid: pid, stdoutPath: stdoutPath, stderrPath: stderrPath)
    }

    /// Stop `job` here: SIGTERM to its mpirun's session and to its local
    /// ranks, then SIGCONT (a stopped rank — the hang recovery answers —
    /// takes its SIGTERM now rather than waiting out the grace), SIGKILL to
    /// what is left after `grace`. Returns how many local ranks were still
    /// running, once none is (or, for a process that ignores even SIGKILL,
    /// stuck in the kernel, after 30 s more: then not `gone`). mpirun is not
    /// waited for: once its ranks are gone it takes a second or two to wind
    /// down its daemons, holding nothing a next attempt needs; it has the
    /// same grace, in the background, and its end is reported as it comes.
    public func stop(job: String, grace: Duration) async -> (ranks: Int, mpirun: Bool, gone: Bool) {
        let mpirun: pid_t? = runs.withLock { runs in
            let latest = runs.filter { $0.value.run.job == job }.max { $0.value.run.attempt < $1.value.run.attempt }
            guard let key = latest?.key, var active = latest?.value else { return nil }
            if active.run.state == .exited, wallClockNanoseconds() < (active.run.endedNs ?? 0) + Self.sameStopNs {
                // mpirun ended a moment ago: its ranks were torn down by this same stop on another node first.
                (active.run.state, active.reported) = (.stopped, false)
                runs[key] = active
                return nil
            }
            guard active.run.state == .running else { return nil }
            active.stopping = true
            runs[key] = active
            return active.pid
        }
        let ranks = table.runningProcesses(ofJob: job).map { Target.process($0.pid, startTime: $0.startTime) }
        let group = mpirun.map(Target.group)
        for target in ranks + (group.map { [$0] } ?? []) {
            target.signal(SIGTERM)
            target.signal(SIGCONT)
        }
        let asked = ContinuousClock.now
        await end(ranks, of: job, grace: grace)
        if let group { Task { await self.end([group], of: job, grace: grace - (ContinuousClock.now - asked)) } }
        logger.notice("job stopped", metadata: ["job": "\(job)", "localRanks": "\(ranks.count)",
                                                "mpirun": "\(mpirun != nil)", "took": "\(ContinuousClock.now - asked)"])
        return (ranks.count, mpirun != nil, !ranks.contains(where: \.isAlive))
    }

    /// `targets` given `grace` to end, then SIGKILL (said in the log), then up to 30 s more.
    private func end(_ targets: [Target], of job: String, grace: Duration) async {
        await waitUntilGone(targets, for: grace)
        let outlived = targets.filter(\.isAlive)
        if !outlived.isEmpty {
            logger.warning("SIGKILL: the grace passed and they still ran", metadata: [
                "job": "\(job)", "processes": "\(outlived.map(\.description).joined(separator: ", "))"])
        }
        for target in outlived { target.signal(SIGKILL) }
        await waitUntilGone(targets, for: .seconds(30))
    }

    private func waitUntilGone(_ targets: [Target], for limit: Duration) async {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline, !Task.isCancelled, targets.contains(where: \.isAlive) {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Runs that changed since the last call, with their output tails.
    public func collect() -> [TelemetryItem] {
        runs.withLock { runs in
            var changed: [TelemetryItem] = []
            for key in runs.keys.sorted() {
                guard var active = runs[key] else { continue }
                if active.run.state == .running || active.finalTails {
                    let out = OutputTail.read(active.stdoutPath, limit: JobRun.tailBytes)
                    let err = OutputTail.read(active.stderrPath, limit: JobRun.tailBytes)
                    if out != active.run.stdoutTail || err != active.run.stderrTail {
                        (active.run.stdoutTail, active.run.stderrTail, active.reported) = (out, err, false)
                    }
                    active.finalTails = false
                }
                if !active.reported {
                    changed.append(.run(active.run))
                    active.reported = true
                }
                // An ended run, reported with its last output, is the server's business now.
                runs[key] = active.run.state != .running && active.reported ? nil : active
            }
            return changed
        }
    }

    /// Wait for mpirun on a thread of its own (waitpid blocks).
    private func reap(_ key: String, _ pid: pid_t) {
        var status: Int32 = 0
        var reaped: pid_t = -1
        repeat { reaped = waitpid(pid, &status, 0) } while reaped < 0 && errno == EINTR
        // Not reaped (someone else did): the end is known, its status is not.
        let exited = reaped == pid && status & 0x7F == 0
        runs.withLock { runs in
            guard var active = runs[key], active.pid == pid else { return }
            active.run.state = active.stopping ? .stopped : .exited
            active.run.endedNs = wallClockNanoseconds()
            active.run.exitStatus = exited ? (status >> 8) & 0xFF : nil
            active.finalTails = true
            active.reported = false
            runs[key] = active
        }
        logger.info("job ended", metadata: ["job": "\(key)", "pid": "\(pid)",
                                            "exit": "\(exited ? "\((status >> 8) & 0xFF)" : "signal \(status & 0x7F)")"])
    }

    /// What a stop signals: mpirun's whole session, or one rank known by its start time.
    enum Target: CustomStringConvertible {
        case group(pid_t)
        case process(pid_t, startTime: UInt64)

        var description: String {
            switch self {
            case .group(let pgid): "mpirun's process group \(pgid)"
            case .process(let pid, _): "rank pid \(pid)"
            }
        }

        var isAlive: Bool {
            switch self {
            case .group(let pgid): ProcessProbe.groupHasLiveMember(pgid)
            case .process(let pid, let startTime): ProcessProbe.startTime(of: pid) == startTime
            }
        }

        func signal(_ signal: Int32) {
            switch self {
            case .group(let pgid): kill(-pgid, signal)
            case .process(let pid, _): if isAlive { kill(pid, signal) }
            }
        }
    }
}

public enum JobRunnerError: Error, Equatable, CustomStringConvertible {
    case alreadyRunning(String)
    case spawn(String)

    public var description: String {
        switch self {
        case .alreadyRunning(let job): "job \(job) already runs here (stop it first)"
        case .spawn(let why): "cannot start mpirun: \(why)"
        }
    }
}
