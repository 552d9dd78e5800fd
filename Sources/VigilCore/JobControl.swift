/// What the server asks a node's agent to do with a job (recovery and
/// `vigil restart`, docs/recovery.md): stop it on this node (mpirun if it
/// runs here, and the job's ranks here), or start an attempt's mpirun.
public enum JobControl: Sendable, Equatable {
    case stop(job: String, attempt: Int, graceMs: Int)
    case start(RunSpec)

    public var job: String {
        switch self {
        case .stop(let job, _, _): job
        case .start(let spec): spec.job
        }
    }

    public var attempt: Int {
        switch self {
        case .stop(_, let attempt, _): attempt
        case .start(let spec): spec.attempt
        }
    }
}

/// An agent's answer to a JobControl, sent up with its telemetry.
public struct JobControlReply: Sendable, Equatable, Codable {
    public enum Action: UInt8, Sendable, Codable {
        case stop = 0
        case start = 1
    }

    public var job: String
    public var attempt: Int
    public var action: Action
    /// Done: stopped (nothing of the job left here) or started.
    public var ok: Bool
    /// Stopped: the job's ranks that were running here, and whether its mpirun was.
    public var ranks: Int
    public var mpirun: Bool
    /// Why it could not, when not ok.
    public var detail: String
    public var atNs: UInt64

    public init(job: String, attempt: Int, action: Action, ok: Bool, ranks: Int = 0, mpirun: Bool = false,
                detail: String = "", atNs: UInt64) {
        self.job = job
        self.attempt = attempt
        self.action = action
        self.ok = ok
        self.ranks = ranks
        self.mpirun = mpirun
        self.detail = detail
        self.atNs = atNs
    }
}
