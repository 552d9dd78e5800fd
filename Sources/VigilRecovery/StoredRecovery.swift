import VigilCore

/// One recovery as the store keeps it (docs/recovery.md): the incident it
/// answers, what the policy decided and why, and its timeline and cost.
public struct StoredRecovery: Sendable, Equatable, Codable {
    public enum State: String, Sendable, Codable {
        /// Decided against, or not possible yet: see `why`.
        case ignored, waiting
        /// Planned, carried out by no one: the mode is dry-run.
        case dryRun = "dry-run"
        /// Planned, waiting for `vigil recovery approve ID`.
        case awaitingApproval = "awaiting-approval"
        case stopping, launching
        /// Launched: waiting for the first training step.
        case starting
        /// Training again: done.
        case training
        case failed
        /// The budget is spent or the job fails the same way again: left stopped.
        case gaveUp = "gave-up"
    }

    /// The store's number for it (0 until stored).
    public var id: Int64
    public var job: String
    public var attempt: Int
    public var incidentKey: String
    /// nil: an operator's restart.
    public var incidentClass: Incident.Class?
    public var mode: RecoveryConfiguration.Mode
    public var state: State
    public var plan: RecoveryPlan?
    public var why: [String]
    /// The timeline, wall-clock ns: the fault first seen, detected, decided, …
    public var firstSeenNs: UInt64
    public var detectedNs: UInt64
    public var decidedNs: UInt64
    public var approvedNs: UInt64?
    public var stoppedNs: UInt64?
    public var launchedNs: UInt64?
    /// The new attempt restored this step, at this time.
    public var restoredStep: Int64?
    public var restoredNs: UInt64?
    /// How long the slowest rank's restore took (it ended at `restoredNs`).
    public var restoreNs: UInt64?
    public var firstStepNs: UInt64?
    public var failure: String?
    /// Rank-seconds from the fault to training again.
    public var rankSecondsLost: Double?

    public init(id: Int64 = 0, job: String, attempt: Int, incidentKey: String, incidentClass: Incident.Class?,
                mode: RecoveryConfiguration.Mode, state: State, plan: RecoveryPlan?, why: [String], firstSeenNs: UInt64,
                detectedNs: UInt64, decidedNs: UInt64) {
        self.id = id
        self.job = job
        self.attempt = attempt
        self.incidentKey = incidentKey
        self.incidentClass = incidentClass
        self.mode = mode
        self.state = state
        self.plan = plan
        self.why = why
        self.firstSeenNs = firstSeenNs
        self.detectedNs = detectedNs
        self.decidedNs = decidedNs
    }
}

/// Where recoveries and restart budgets are kept (VigilStore's SQLite store).
public protocol RecoveryStore: Sendable {
    /// Inserts (id 0) or updates it; its id.
    func saveRecovery(_ recovery: StoredRecovery) async throws -> Int64
    /// Newest first.
    func recoveries(job: String?) async throws -> [StoredRecovery]
    func restartBudget(job: String) async throws -> RestartBudget
    func saveRestartBudget(_ budget: RestartBudget, job: String) async throws
}
