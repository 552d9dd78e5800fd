/// A rank's lifecycle as its agent sees it.
public enum RankStatus: String, Sendable, Codable {
    /// Registered, ring attached, process alive.
    case running
    /// Alive but stopped by a signal (SIGSTOP, a debugger): it cannot progress.
    case stopped
    /// The process is gone after MPI_Finalize: a clean end.
    case finished
    /// The process is gone without MPI_Finalize: a crash or a kill.
    case died

    /// The process still exists (running or stopped).
    public var isAlive: Bool { self == .running || self == .stopped }
}
