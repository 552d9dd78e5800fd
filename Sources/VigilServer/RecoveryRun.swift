import VigilAlerts
import VigilCore
import VigilRecovery
import VigilWire

/// One recovery carried out, step by step, each recorded as it happens:
/// cordon the culprits, stop the attempt (confirmed gone), start the next
/// attempt on the plan's hosts (all three through the job lifecycle, as an
/// operator's launch and stop), then wait for its restore and its first
/// training step.
struct RecoveryRun {
    var record: StoredRecovery
    /// What it answers; nil for an operator's restart.
    let incident: Incident?
    let coordinator: RecoveryCoordinator

    /// How long each step may take before the recovery is failed.
    static let firstStepTimeoutNs: UInt64 = 300_000_000_000
    static let restoreGraceNs: UInt64 = 20_000_000_000

    func carryOut() async {
        var run = self
        do {
            try await run.steps()
        } catch {
            (run.record.state, run.record.failure) = (.failed, "\(error)")
            await run.save()
            coordinator.logger.error("recovery failed", metadata: ["job": "\(record.job)", "id": "\(record.id)",
                                                                    "reason": "\(error)"])
        }
    }

    private mutating func steps() async throws {
        guard let plan = record.plan else { throw RecoveryRunError.step("no plan") }
        let store = coordinator.store
        let lifecycle = coordinator.lifecycle
        if !plan.cordon.isEmpty {
            let cause = CordonCause(incidentClass: plan.incidentClass?.rawValue, incident: try await incidentNumber(plan),
                                    reason: plan.cordonReason)
            for node in plan.cordon { _ = try await lifecycle.cordon(node, cause: cause) }
        }
        guard let previous = try await store.runs(job: plan.job).first(where: { $0.attempt == plan.attempt }),
              var spec = try await store.runSpec(job: plan.job, attempt: plan.attempt) else {
            throw RecoveryRunError.step("attempt \(plan.attempt) has no run spec: its agent did not report one")
        }
        try await lifecycle.stop(previous, graceNs: coordinator.configuration.stopGraceNs)
        record.stoppedNs = wallClockNanoseconds()
        record.state = .launching
        await save()
        (spec.attempt, spec.hosts) = (plan.attempt + 1, plan.hosts)
        // Counted before it starts: a server that dies right after the start must not lose it from the budget.
        try await recordRestart(plan)
        _ = try await lifecycle.start(spec)
        record.launchedNs = wallClockNanoseconds()
        record.state = .starting
        await save()
        try await awaitTraining(spec)
    }

    /// The stored incident's number, for the scheduler's drain reason.
    private func incidentNumber(_ plan: RecoveryPlan) async throws -> Int64? {
        try await coordinator.store.incidents(job: plan.job, limit: 100).first { $0.incident.key == plan.incidentKey }?.id
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
