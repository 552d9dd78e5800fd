/// The server's answer to a launch (`POST /v1/jobs`): the attempt it
/// started, where and how, and whether it got going.
public struct LaunchOutcome: Sendable, Equatable, Codable {
    public var job: String
    public var attempt: Int
    /// "ssh" or "slurm".
    public var backend: String
    public var hosts: [HostSlots]
    public var ranks: Int
    /// The attempt's ranks registered with their agents when the server answered.
    public var registered: Int
    public var verdict: Verdict
    /// The attempt as the server has it (its Slurm job; once ended, its exit and output tails).
    public var run: JobRun?

    public enum Verdict: String, Sendable, Codable {
        /// Every rank registered; mpirun runs.
        case running
        /// mpirun ended before every rank had registered, or right after.
        case ended
        /// Not every rank registered within the start timeout: left running.
        case waiting
    }

    public init(job: String, attempt: Int, backend: String, hosts: [HostSlots], ranks: Int, registered: Int,
                verdict: Verdict, run: JobRun?) {
        self.job = job
        self.attempt = attempt
        self.backend = backend
        self.hosts = hosts
        self.ranks = ranks
        self.registered = registered
        self.verdict = verdict
        self.run = run
    }
}
