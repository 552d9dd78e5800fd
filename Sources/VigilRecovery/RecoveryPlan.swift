import VigilCore

/// What recovery will do about one incident, in order, and why.
public struct RecoveryPlan: Sendable, Equatable, Codable {
    /// Where the next attempt runs.
    public enum Placement: Sendable, Equatable, Codable {
        /// Each culprit node's slots on a spare.
        case spares([String: String])
        /// On the job's healthy nodes alone (it allows this few).
        case shrink
        /// The same hosts: nothing to isolate (e.g. a crash with no node at fault named).
        case same
    }

    public var job: String
    /// The attempt to stop, and the next one's number.
    public var attempt: Int
    /// The incident's key: the one stable name everywhere (store, hooks).
    public var incidentKey: String
    /// nil: an operator's restart (`vigil restart`), which no incident asked for.
    public var incidentClass: Incident.Class?
    /// Cordoned with `cordonReason` before anything else.
    public var cordon: [String]
    public var cordonReason: String
    public var placement: Placement
    /// The next attempt's hosts and slots.
    public var hosts: [HostSlots]
    /// Restored from this step (nil: from scratch).
    public var fromStep: Int64?
    /// Each choice the policy made, in words.
    public var why: [String]

    public init(job: String, attempt: Int, incidentKey: String, incidentClass: Incident.Class?, cordon: [String],
                cordonReason: String, placement: Placement, hosts: [HostSlots], fromStep: Int64?, why: [String]) {
        self.job = job
        self.attempt = attempt
        self.incidentKey = incidentKey
        self.incidentClass = incidentClass
        self.cordon = cordon
        self.cordonReason = cordonReason
        self.placement = placement
        self.hosts = hosts
        self.fromStep = fromStep
        self.why = why
    }
}

/// The policy's answer to an incident.
public enum RecoveryDecision: Sendable, Equatable {
    /// Carry out the plan (or, in dry-run and approval modes, record it).
    case act(RecoveryPlan)
    /// Nothing to do about it, and why (a class not acted on, too unsure, a slowdown not yet sustained).
    case ignore(String)
    /// A plan is needed but cannot be made now: no host to run on, or backing off. Try again later.
    case wait(String)
    /// The budget is spent or the job keeps failing the same way: left stopped, with an incident of its own.
    case giveUp(String)
}

/// Why a restart cannot be planned.
public struct RecoveryRefusal: Error, Equatable, CustomStringConvertible {
    public var why: String

    public init(why: String) { self.why = why }

    public var description: String { why }
}
