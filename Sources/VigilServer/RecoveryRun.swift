import VigilAlerts
import VigilCore
import VigilRecovery
import VigilWire

/// One recovery carried out, step by step, each recorded as it happens:
/// cordon the culprits, stop the attempt on every live host (confirmed
/// gone), start the next attempt on the plan's hosts, then wait for its
/// restore and its first training step.
struct RecoveryRun {
    var record: StoredRecovery
    /// What it answers; nil for an operator's restart.
    let incident: Incident?
    let coordinator: RecoveryCoordinator

    /// How long each step may take before the recovery is failed.
    static let launchTimeoutNs: UInt64 = 30_000_000_000
    static let firstStepTimeoutNs: UInt64 = 300_000_000_000
    static let restoreGraceNs: UInt64 = 20_000_000_000

    func carryOut() async {
        var run = self
        do {
            try await run.steps()
        } catch {
            // Whatever still runs of the job is evidence again.
            coordinator.detector?.resumed(job: record.job)
            (run.record.state, run.record.failure) = (.failed, "\(error)")
            await run.save()
            coordinator.logger.error("recovery failed", metadata: ["job": "\(record.job)", "id": "\(record.id)",
                                                                    "reason": "\(error)"])
        }
    }

    private mutating func steps() async throws {
        guard let plan = record.plan else { throw RecoveryRunError.step("no plan") }
        let store = coordinator.store
        for node in plan.cordon {
            _ = try await store.setCordoned(node, true, reason: plan.cordonReason, atNs: wallClockNanoseconds())
        }
        guard let previous = try await store.runs(job: plan.job).first(where: { $0.attempt == plan.attempt }),
              var spec = try await store.runSpec(job: plan.job, attempt: plan.attempt) else {
            throw RecoveryRunError.step("attempt \(plan.attempt) has no run spec: its agent did not report one")
        }
        try await stop(previous)
        (spec.attempt, spec.hosts) = (plan.attempt + 1, plan.hosts)
        try await launch(spec)
        try await recordRestart(plan)
        try await awaitTraining(spec)
    }

    /// SIGTERM then SIGKILL through every live host's agent; done once each said nothing of the job is left.
    private mutating func stop(_ run: JobRun) async throws {
        coordinator.detector?.stopping(job: run.job, attempt: run.attempt)
        let live = coordinator.directory.connectedNodes
        let hosts = Set(run.hosts.map(\.host) + [run.node]).intersection(live)
        let graceMs = Int(coordinator.configuration.stopGraceNs / 1_000_000)
        let control = JobControl.stop(job: run.job, attempt: run.attempt, graceMs: graceMs)
        for host in hosts.sorted() { coordinator.directory.send(control.frame, to: host) }
        let replies = try await awaitReplies(control, from: hosts, action: .stop,
                                             timeoutNs: coordinator.configuration.stopGraceNs + 40_000_000_000)
        if let stuck = replies.first(where: { !$0.value.ok }) {
            throw RecoveryRunError.step("\(stuck.key): \(stuck.value.detail)")
        }
        record.stoppedNs = wallClockNanoseconds()
        record.state = .launching
        await save()
    }

    /// The next attempt's mpirun, on the plan's first host.
    private mutating func launch(_ spec: RunSpec) async throws {
        guard let first = spec.hosts.first?.host, coordinator.directory.send(JobControl.start(spec).frame, to: first) else {
            throw RecoveryRunError.step("the first host's agent is not connected")
        }
        let replies = try await awaitReplies(.start(spec), from: [first], action: .start, timeoutNs: Self.launchTimeoutNs)
        if let reply = replies[first], !reply.ok { throw RecoveryRunError.step("\(first) did not start it: \(reply.detail)") }
        record.launchedNs = wallClockNanoseconds()
        record.state = .starting
        await save()
    }

    /// An incident's restart counts against the job's budget; an operator's does not.
    private func recordRestart(_ plan: RecoveryPlan) async throws {
        guard let incidentClass = plan.incidentClass else { return }
        var budget = try await coordinator.recoveries.restartBudget(job: plan.job)
        budget.recordRestart(failure: incidentClass.rawValue, atNs: wallClockNanoseconds(),
                             limits: coordinator.configuration.budget)
        try await coordinator.recoveries.saveRestartBudget(budget, job: plan.job)
    }

    /// A rank's process: its node and pid.
    static func process(_ rank: StoredRank) -> String { "\(rank.node)/\(rank.snapshot.identity.pid)" }

    /// Until a rank of the new attempt (its ranks carry their attempt) has
    /// finished a collective after its restore: training
    /// again. A plan that restores waits for the ranks' RESTORED (at most
    /// `restoreGraceNs`, for a program that does not restore), so that the
    /// collectives before it are not taken for training.
    private mutating func awaitTraining(_ spec: RunSpec) async throws {
        let launched = record.launchedNs ?? 0
        let deadline = launched + Self.firstStepTimeoutNs
        var baseline: [String: UInt64]?  // each new process's collectives done when the restore was heard
        while wallClockNanoseconds() < deadline {
            if let restore = await coordinator.restored[spec.job], restore.atNs >= launched {
                (record.restoredStep, record.restoredNs, record.restoreNs) = (restore.step, restore.atNs, restore.durationNs)
            }
            let ranks = try await coordinator.store.ranks(job: spec.job).filter {
                $0.snapshot.identity.attempt == spec.attempt && $0.snapshot.status == .running
            }
            let done = Dictionary(ranks.map { (Self.process($0), $0.snapshot.progress.map(\.lastSeqLeft).max() ?? 0) },
                                  uniquingKeysWith: max)
            let restoring = record.plan?.fromStep != nil && record.restoredNs == nil
                && wallClockNanoseconds() < launched + Self.restoreGraceNs
            if !restoring {
                let before = baseline ?? (record.restoredNs == nil ? [:] : done)
                baseline = before
                if done.contains(where: { $0.value > before[$0.key, default: 0] }) {
                    await trainingAgain(spec)
                    return
                }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw RecoveryRunError.step("no training step within \(Self.firstStepTimeoutNs / 1_000_000_000) s of the launch")
    }

    private mutating func trainingAgain(_ spec: RunSpec) async {
        let now = wallClockNanoseconds()
        record.firstStepNs = now
        record.rankSecondsLost = Double(spec.ranks) * Double(now - min(now, record.firstSeenNs)) / 1e9
        record.state = .training
        await save()
        if let incident { coordinator.alerts?.send(AlertEvent(action: .resolve, incident: incident, atNs: now)) }
    }

    /// Until every one of `hosts` answered `control` (a host whose agent left counts as gone), or the deadline.
    private func awaitReplies(_ control: JobControl, from hosts: Set<String>, action: JobControlReply.Action,
                              timeoutNs: UInt64) async throws -> [String: JobControlReply] {
        let key = "\(control.job)/\(control.attempt)/\(action)"
        let deadline = wallClockNanoseconds() + timeoutNs
        while true {
            let replies = await coordinator.replies[key] ?? [:]
            let waiting = hosts.subtracting(replies.keys).intersection(coordinator.directory.connectedNodes)
            if waiting.isEmpty { return replies }
            guard wallClockNanoseconds() < deadline else {
                throw RecoveryRunError.step("no answer to \(action) from " + waiting.sorted().joined(separator: ", "))
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    private func save() async {
        do {
            _ = try await coordinator.recoveries.saveRecovery(record)
        } catch {
            coordinator.logger.error("recovery not stored", metadata: ["id": "\(record.id)", "reason": "\(error)"])
        }
    }
}

enum RecoveryRunError: Error, CustomStringConvertible {
    case step(String)

    var description: String {
        switch self {
        case .step(let why): why
        }
    }
}
