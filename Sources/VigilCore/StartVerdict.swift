/// Whether a launched attempt got going. The agent answers as soon as
/// mpirun is spawned; only the ranks registering (or mpirun ending first)
/// say whether the job really started.
public enum StartVerdict: Sendable, Equatable {
    /// Neither yet: this many of the attempt's ranks have registered.
    case waiting(registered: Int)
    /// Every rank registered and mpirun still runs.
    case running
    /// mpirun ended before every rank had registered, or right after.
    case ended(JobRun)

    /// `run` is the attempt's run as the server has it (nil: not heard of
    /// yet); `registered` the distinct ranks of the attempt known to it.
    public init(run: JobRun?, registered: Int, expected: Int) {
        if let run, run.state != .running {
            self = .ended(run)
        } else if registered >= expected {
            self = .running
        } else {
            self = .waiting(registered: registered)
        }
    }
}
