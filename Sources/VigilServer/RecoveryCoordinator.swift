import Logging
import VigilAlerts
import VigilCore
import VigilRecovery
import VigilWire

/// Acts on incidents (docs/recovery.md): each open incident is put to the
/// recovery policy once (again later while it says wait); a plan is
/// recorded, then, in automatic mode or once approved, carried out by a
/// RecoveryRun — one per job at a time — through the job lifecycle. The
/// new attempt's restore arrives here.
public actor RecoveryCoordinator {
    let configuration: RecoveryConfiguration
    let store: any TelemetryStore
    let recoveries: any RecoveryStore
    /// Cordons, stops and starts attempts, as for an operator.
    let lifecycle: JobLifecycle
    let logger: Logger
    /// Told when a recovered job trains again: its incident's alert resolves.
    let alerts: AlertDispatcher?
    /// Incident occurrence (Self.occurrence) → when to look at it again (nil entry: never looked at; .max: never again).
    private var dueNs: [String: UInt64] = [:]
    /// Plans waiting for an operator, by recovery id.
    private var awaiting: [Int64: (record: StoredRecovery, incident: Incident?)] = [:]
    /// Jobs with a recovery under way.
    private var underWay: Set<String> = []
    /// The newest restore reported per job: step, when the last rank said so, and the slowest rank's time.
    private(set) var restored: [String: (step: Int64, atNs: UInt64, durationNs: UInt64)] = [:]

    static let waitAgainNs: UInt64 = 5_000_000_000

    public init(configuration: RecoveryConfiguration, store: any TelemetryStore, recoveries: any RecoveryStore,
                lifecycle: JobLifecycle, alerts: AlertDispatcher? = nil, logger: Logger) {
        self.alerts = alerts
        self.configuration = configuration
        self.store = store
        self.recoveries = recoveries
        self.lifecycle = lifecycle
        self.logger = logger
    }

    /// Whether a batch carries anything recovery waits for: a restore.
    public nonisolated static func concerns(_ batch: TelemetryBatch) -> Bool {
        batch.items.contains { if case .checkpointShard(let event) = $0 { event.state == .restored } else { false } }
    }

    public func ingest(_ batch: TelemetryBatch, from node: String) {
        for case .checkpointShard(let event) in batch.items where event.state == .restored {
            let same = restored[event.job].flatMap { $0.step == event.step && event.atNs < $0.atNs + 60_000_000_000 ? $0 : nil }
            restored[event.job] = (event.step, max(event.atNs, same?.atNs ?? 0), max(event.durationNs, same?.durationNs ?? 0))
        }
    }

    /// Each open incident not yet decided (or due again), put to the policy.
    public func consider(_ incidents: [Incident], nowNs: UInt64) async {
        guard configuration.mode != .off else { return }
        let open = Set(incidents.map(Self.occurrence))
        dueNs = dueNs.filter { open.contains($0.key) }  // an incident resolved is never looked at again
        for incident in incidents where !underWay.contains(incident.job) && nowNs >= dueNs[Self.occurrence(incident), default: 0] {
            do {
                try await decide(incident, nowNs: nowNs)
            } catch {
                dueNs[Self.occurrence(incident)] = nowNs + Self.waitAgainNs
                logger.error("recovery could not decide", metadata: ["incident": "\(incident.key)", "reason": "\(error)"])
            }
        }
    }

    private func decide(_ incident: Incident, nowNs: UInt64) async throws {
        guard let context = try await context(for: incident) else {
            dueNs[Self.occurrence(incident)] = .max
            logger.info("recovery passes over an incident of no attempt it knows, or detected before the latest started",
                        metadata: ["job": "\(incident.job)", "incident": "\(incident.key)", "detectedNs": "\(incident.detectedNs)"])
            return
        }
        let budget = try await recoveries.restartBudget(job: incident.job)
        let decision = RecoveryPolicy.decide(incident, context: context, budget: budget, configuration: configuration, nowNs: nowNs)
        var record = StoredRecovery(job: incident.job, attempt: context.run.attempt, incidentKey: incident.key,
                                    incidentClass: incident.incidentClass, mode: configuration.mode, state: .ignored, plan: nil,
                                    why: [], firstSeenNs: incident.firstSeenNs, detectedNs: incident.detectedNs, decidedNs: nowNs)
        let firstLook = dueNs[Self.occurrence(incident)] == nil
        switch decision {
        case .ignore(let why):
            // A slowdown may yet last long enough: look again.
            dueNs[Self.occurrence(incident)] = configuration.slowClasses.contains(incident.incidentClass) ? nowNs + Self.waitAgainNs : .max
            guard firstLook, configuration.classes.union(configuration.slowClasses).contains(incident.incidentClass) else { return }
            record.why = [why]
        case .wait(let why):
            dueNs[Self.occurrence(incident)] = nowNs + Self.waitAgainNs
            guard firstLook else { return }
            (record.state, record.why) = (.waiting, [why])
        case .giveUp(let why):
            dueNs[Self.occurrence(incident)] = .max
            (record.state, record.why) = (.gaveUp, [why])
            logger.error("recovery gave up: the job is left stopped", metadata: ["job": "\(incident.job)", "reason": "\(why)"])
            try await raiseGaveUp(incident, why: why, nowNs: nowNs)
        case .act(let plan):
            dueNs[Self.occurrence(incident)] = .max
            (record.plan, record.why) = (plan, plan.why)
            record.state = switch configuration.mode {
            case .dryRun: .dryRun
            case .approval: .awaitingApproval
            case .automatic, .off: .stopping
            }
        }
        record.id = try await recoveries.saveRecovery(record)
        logger.notice("recovery decided", metadata: ["job": "\(record.job)", "id": "\(record.id)", "state": "\(record.state)",
                                                     "why": "\(record.why.joined(separator: "; "))"])
        if record.state == .awaitingApproval { awaiting[record.id] = (record, incident) }
        if record.state == .stopping { start(record, incident) }
    }

    /// The job is left stopped: an incident of its own, for the operators (and their alerts) to see.
    private func raiseGaveUp(_ cause: Incident, why: String, nowNs: UInt64) async throws {
        let gaveUp = Incident(job: cause.job, incidentClass: .recoveryGaveUp, suspects: cause.suspects, confidence: 1,
                              evidence: .init(summary: "\(why); the last: \(cause.headline)"), firstSeenNs: nowNs, detectedNs: nowNs)
        try await store.saveIncidents([gaveUp], atNs: nowNs)
        alerts?.send(AlertEvent(action: .trigger, incident: gaveUp, atNs: nowNs))
    }

    /// An operator's go-ahead for a plan awaiting approval.
    public func approve(_ id: Int64, nowNs: UInt64) async throws -> StoredRecovery {
        guard let awaited = awaiting.removeValue(forKey: id) else { throw RecoveryError.notAwaiting(id) }
        var record = awaited.record
        (record.approvedNs, record.state) = (nowNs, .stopping)
        _ = try await recoveries.saveRecovery(record)
        start(record, awaited.incident)
        return record
    }

    /// An operator's restart of `job`'s latest attempt, the `excluded` nodes
    /// replaced like culprits: whatever the mode, outside the budget. A dry
    /// run answers the plan (hosts, spares, the step it would resume from)
    /// and changes nothing.
    public func restart(job: String, excluding excluded: Set<String>, dryRun: Bool = false,
                        nowNs: UInt64) async throws -> StoredRecovery {
        guard !underWay.contains(job) else { throw RecoveryError.underWay(job) }
        guard let run = try await store.runs(job: job).max(by: { $0.attempt < $1.attempt }) else { throw RecoveryError.noSuchJob(job) }
        let context = try await context(run: run)
        let plan: RecoveryPlan
        switch RecoveryPolicy.manual(job: run, excluding: excluded, context: context, configuration: configuration, nowNs: nowNs) {
        case .success(let made): plan = made
        case .failure(let refusal): throw RecoveryError.refused(refusal.why)
        }
        var record = StoredRecovery(job: job, attempt: run.attempt, incidentKey: plan.incidentKey, incidentClass: nil,
                                    mode: configuration.mode, state: dryRun ? .dryRun : .stopping, plan: plan, why: plan.why,
                                    firstSeenNs: nowNs, detectedNs: nowNs, decidedNs: nowNs)
        guard !dryRun else { return record }
        record.id = try await recoveries.saveRecovery(record)
        start(record, nil)
        return record
    }

    private func start(_ record: StoredRecovery, _ incident: Incident?) {
        underWay.insert(record.job)
        let run = RecoveryRun(record: record, incident: incident, coordinator: self)
        Task {
            await run.carryOut()
            self.finished(record.job)
        }
    }

    /// One incident as raised: the same key raised again later (the next
    /// attempt failing alike) is another, looked at afresh.
    private static func occurrence(_ incident: Incident) -> String { "\(incident.key)@\(incident.detectedNs)" }

    /// The next attempt's incidents may have the same keys as this one's:
    /// they are looked at afresh (the old ones, detected before it started, are passed over).
    private func finished(_ job: String) {
        underWay.remove(job)
        dueNs = dueNs.filter { !$0.key.contains("/\(job)/") }
    }

    /// What the policy needs to know of the incident's job, or nil when it concerns no attempt Vigil knows.
    private func context(for incident: Incident) async throws -> RecoveryContext? {
        guard let run = try await store.runs(job: incident.job).max(by: { $0.attempt < $1.attempt }),
              incident.detectedNs >= run.startedNs else { return nil }
        var context = try await context(run: run)
        let evidence = incident.evidence
        context.slowdown = evidence.expectedNs.flatMap { expected in
            evidence.observedNs.map { Double($0) / Double(max(1, expected)) }
        }
        context.slowSinceNs = incident.firstSeenNs
        return context
    }

    /// The attempt, the nodes live and cordoned, the newest restorable step.
    private func context(run: JobRun) async throws -> RecoveryContext {
        let cordoned = Set(try await store.nodes().filter(\.cordoned).map(\.name))
        let standing = CheckpointStanding.of(try await store.checkpoints(job: run.job, limit: 200)).first
        // The run list carries no spec (it may hold secrets): read apart.
        let spec = try await store.runSpec(job: run.job, attempt: run.attempt)
        return RecoveryContext(run: run, liveNodes: try await lifecycle.usableNodes(), cordoned: cordoned,
                               minNodes: spec?.minNodes, restorableStep: standing?.restorable.map(\.step).max())
    }
}

public enum RecoveryError: Error, CustomStringConvertible {
    case notAwaiting(Int64)
    case underWay(String)
    case noSuchJob(String)
    case refused(String)

    public var description: String {
        switch self {
        case .notAwaiting(let id): "recovery \(id) is not awaiting approval"
        case .underWay(let job): "a recovery of \(job) is under way"
        case .noSuchJob(let job): "no attempt of \(job) is known"
        case .refused(let why): why
        }
    }
}
