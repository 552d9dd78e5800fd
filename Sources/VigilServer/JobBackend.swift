import VigilCore

/// How the server starts and stops a job's attempts and keeps nodes out of
/// new ones: over ssh through the agents (`AgentBackend`), or through Slurm
/// (`SlurmBackend`). `JobLifecycle` decides; a backend only carries out.
public protocol JobBackend: Sendable {
    /// "ssh" or "slurm": what `vigil status` and the API say.
    var name: String { get }

    /// Starts the attempt. Returns once it is under way (its mpirun spawned,
    /// or its Slurm job submitted): the run as the backend records it, or
    /// nil where the first host's agent reports it.
    func start(_ spec: RunSpec) async throws -> JobRun?

    /// Stops the attempt everywhere; returns once nothing of it runs.
    func stop(_ run: JobRun, graceNs: UInt64) async throws

    /// Keeps `node` out of new attempts in the scheduler too (Slurm: drain).
    func cordon(_ node: String, cause: CordonCause) async throws

    /// Returns `node` to service in the scheduler; what an operator should
    /// know when it is left out (drained by someone else), else nil.
    func uncordon(_ node: String) async throws -> String?

    /// Nodes a new attempt may use; nil: those whose agents are connected.
    /// Throws when the scheduler cannot say (its controller is down).
    func usableNodes() async throws -> Set<String>?

    /// The scheduler's word on each node it knows ("drained: REASON", "idle").
    func nodeStates() async -> [String: String]
}

/// Why a node is cordoned: recovery isolating an incident's culprit, or an operator.
public struct CordonCause: Sendable, Equatable {
    /// The incident's class ("rank-crash"); nil for an operator.
    public var incidentClass: String?
    /// The stored incident's number, when known.
    public var incident: Int64?
    /// What the store and the timeline say.
    public var reason: String

    public init(incidentClass: String? = nil, incident: Int64? = nil, reason: String) {
        self.incidentClass = incidentClass
        self.incident = incident
        self.reason = reason
    }

    public static let byOperator = CordonCause(reason: "by an operator")
}
