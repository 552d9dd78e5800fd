/// A Slurm job as `scontrol -o show job` reports it: its state and, once
/// it ended, how (`ExitCode=STATUS:SIGNAL`).
public struct SlurmJobStatus: Sendable, Equatable {
    /// RUNNING, PENDING, COMPLETED, CANCELLED, FAILED, TIMEOUT, NODE_FAIL, ...
    public var state: String
    /// The batch script's exit status (mpirun's: the script execs it).
    public var exitStatus: Int32
    /// The signal that ended it; 0 when none.
    public var signal: Int32
    /// Where its output goes, as Slurm expanded it.
    public var outputPath: String?

    public init(state: String, exitStatus: Int32 = 0, signal: Int32 = 0, outputPath: String? = nil) {
        self.state = state
        self.exitStatus = exitStatus
        self.signal = signal
        self.outputPath = outputPath
    }

    public var isActive: Bool { SlurmController.isActive(state) }
    /// Ended by `scancel`.
    public var wasCancelled: Bool { state.hasPrefix("CANCELLED") }

    /// One line of `scontrol -o show job ID`: space-separated KEY=VALUE
    /// pairs (a value with spaces, like a command, runs to the next key).
    public init(scontrolLine line: String) throws(SlurmError) {
        var fields: [Substring: Substring] = [:]
        for word in line.split(separator: " ") {
            guard let eq = word.firstIndex(of: "="), eq != word.startIndex else { continue }
            fields[word[..<eq]] = word[word.index(after: eq)...]
        }
        guard let state = fields["JobState"], !state.isEmpty else { throw .unreadable(command: "scontrol show job", output: line) }
        let exit = (fields["ExitCode"] ?? "0:0").split(separator: ":")
        self.init(state: String(state), exitStatus: Int32(exit.first ?? "0") ?? 0,
                  signal: exit.count > 1 ? Int32(exit[1]) ?? 0 : 0, outputPath: fields["StdOut"].map(String.init))
    }
}
