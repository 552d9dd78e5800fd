/// One attempt of a job as the agent that started its mpirun reports it
/// (sent upstream while it changes), or as the server's Slurm backend
/// follows it: kept by the server in the `run` table.
public struct JobRun: Sendable, Equatable, Codable {
    public enum State: String, Sendable, Codable, CaseIterable {
        case running
        /// mpirun ended on its own; `exitStatus` says how.
        case exited
        /// Stopped by `vigil stop`.
        case stopped
    }

    public var job: String
    public var attempt: Int
    /// The node whose agent runs mpirun.
    public var node: String
    public var hosts: [HostSlots]
    public var command: [String]
    public var state: State
    public var startedNs: UInt64
    public var endedNs: UInt64?
    /// mpirun's exit status; nil while running or when a signal ended it.
    public var exitStatus: Int32?
    /// The last lines mpirun and the ranks printed (at most `tailBytes` each).
    public var stdoutTail: String
    public var stderrTail: String

    public static let tailBytes = 4_096

    /// The Slurm job the attempt runs as; nil when it was started over ssh.
    public var slurmJob: Int?

    /// What started it, for recovery to start the next attempt alike. Kept
    /// by the server, never shown by the API (its environment may hold secrets).
    public var spec: RunSpec?

    private enum CodingKeys: String, CodingKey {
        case job, attempt, node, hosts, command, state, startedNs, endedNs, exitStatus, stdoutTail, stderrTail, slurmJob
    }

    public init(job: String, attempt: Int, node: String, hosts: [HostSlots], command: [String], state: State,
                startedNs: UInt64, endedNs: UInt64? = nil, exitStatus: Int32? = nil, stdoutTail: String = "",
                stderrTail: String = "", slurmJob: Int? = nil, spec: RunSpec? = nil) {
        self.spec = spec
        self.slurmJob = slurmJob
        self.job = job
        self.attempt = attempt
        self.node = node
        self.hosts = hosts
        self.command = command
        self.state = state
        self.startedNs = startedNs
        self.endedNs = endedNs
        self.exitStatus = exitStatus
        self.stdoutTail = stdoutTail
        self.stderrTail = stderrTail
    }
}
