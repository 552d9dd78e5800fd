/// A job's goodput (docs/recovery.md): of the wall time since its first
/// attempt started, how much was productive training (the effective
/// training time ratio, ETTR) and where the rest went, by cause. The
/// causes and the productive time add up to the wall time exactly: each
/// instant is counted once, for the first cause in `Cause.allCases` that
/// claims it.
public struct Goodput: Sendable, Equatable, Codable {
    /// Where time that was not productive training went, in the order an instant claimed by two is given to.
    public enum Cause: String, Sendable, Codable, CaseIterable, CodingKeyRepresentable {
        /// From the fault first seen to its incident raised.
        case detection
        /// From the incident to the recovery under way: an operator's approval, the backoff, a spare.
        case waiting
        /// Stopping the attempt on every host.
        case stop
        /// Reading the checkpoint back (the slowest rank).
        case restore
        /// Starting the next attempt: mpirun, MPI_Init, up to its first step, less the restore.
        case relaunch
        /// No attempt running, and no recovery under way: left stopped, or between an operator's attempts.
        case down
        /// Training redone: from the restored checkpoint to the fault (from the start when none was restored).
        case recomputation
        /// Training waiting for a checkpoint's copy.
        case checkpointBlocking = "checkpoint-blocking"
    }

    public var job: String
    /// The wall time counted: from the first attempt's start to now, or to the end of a job that ended.
    public var startedNs: UInt64
    public var endNs: UInt64
    public var productiveNs: UInt64
    public var lostNs: [Cause: UInt64]
    /// Restarts that brought the job back to training (an operator's included).
    public var restarts: Int
    /// Steps trained again after restores (from the step rate between checkpoints, so an estimate).
    public var stepsRolledBack: Int64

    public init(job: String, startedNs: UInt64, endNs: UInt64, productiveNs: UInt64, lostNs: [Cause: UInt64],
                restarts: Int, stepsRolledBack: Int64) {
        self.job = job
        self.startedNs = startedNs
        self.endNs = endNs
        self.productiveNs = productiveNs
        self.lostNs = lostNs
        self.restarts = restarts
        self.stepsRolledBack = stepsRolledBack
    }

    public var wallNs: UInt64 { endNs - min(endNs, startedNs) }

    /// Productive over wall time; 1 before any time passed.
    public var ettr: Double { wallNs == 0 ? 1 : Double(productiveNs) / Double(wallNs) }

    public func lost(_ cause: Cause) -> UInt64 { lostNs[cause] ?? 0 }
}
