extension JobRun {
    /// How mpirun ended, for a person: "exit status 1", or "a signal".
    public var endDescription: String {
        exitStatus.map { "exit status \($0)" } ?? (state == .stopped ? "stopped" : "a signal")
    }
}
