import Foundation

/// Vigil's calls to a Slurm cluster, through its client commands: submit
/// an attempt, follow and cancel it, drain and resume nodes, read node
/// states. Every value is validated before it reaches a command.
public struct SlurmController: Sendable {
    /// slurm.conf to use (SLURM_CONF); nil: the commands' default.
    public var configFile: String?
    /// Where the batch script is written (this host only: sbatch sends its text).
    public var workDirectory: String
    public var timeout: Duration

    public init(configFile: String? = nil, workDirectory: String, timeout: Duration = .seconds(30)) {
        self.configFile = configFile
        self.workDirectory = workDirectory
        self.timeout = timeout
    }

    /// Submits the attempt; its Slurm job id.
    public func submit(_ submission: SlurmSubmission) async throws(SlurmError) -> Int {
        let argv = try submission.argv(scriptPath: try scriptPath())
        let output = try await run(argv, environment: submission.environment)
        // --parsable: "ID" or "ID;CLUSTER"
        guard let first = output.split(separator: "\n").first?.split(separator: ";").first,
              let id = Int(first.trimmingCharacters(in: .whitespaces)), id > 0 else {
            throw .unreadable(command: "sbatch", output: output)
        }
        return id
    }

    /// The job's state and how it ended; nil once the controller has
    /// forgotten it (MinJobAge after its end).
    public func status(of job: Int) async throws(SlurmError) -> SlurmJobStatus? {
        do throws(SlurmError) {
            let output = try await run(["scontrol", "-o", "show", "job", "\(job)"])
            guard let line = output.split(separator: "\n").first else { return nil }
            return try SlurmJobStatus(scontrolLine: String(line))
        } catch .refused(_, _, let message) where message.contains("Invalid job id") {
            return nil
        }
    }

    /// The job's state (RUNNING, PENDING, COMPLETED, CANCELLED, FAILED, ...);
    /// nil once the controller has forgotten it.
    public func state(of job: Int) async throws(SlurmError) -> String? {
        try await status(of: job)?.state
    }

    /// Cancels the job and waits until Slurm says it ended (or forgot it).
    public func cancel(_ job: Int, confirmWithin: Duration = .seconds(60)) async throws(SlurmError) {
        _ = try await run(["scancel", "\(job)"])
        let deadline = ContinuousClock.now + confirmWithin
        while let state = try await state(of: job), Self.isActive(state) {
            guard ContinuousClock.now < deadline else {
                throw .refused(command: "scancel", status: 0, message: "job \(job) still \(state) after \(confirmWithin)")
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    /// A state in which the job may still run (or is about to).
    public static func isActive(_ state: String) -> Bool {
        ["PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "SUSPENDED", "REQUEUED", "RESIZING", "SIGNALING", "STAGE_OUT"]
            .contains(state)
    }

    public func nodes() async throws(SlurmError) -> [SlurmNode] {
        try SlurmNode.parse(sinfo: try await run(["sinfo", "-h", "-N", "-o", SlurmNode.sinfoFormat]))
    }

    /// Drains `node` with Vigil's reason (jobs on it run on; nothing new starts there).
    public func drain(_ node: String, reason: SlurmDrainReason) async throws(SlurmError) {
        guard let text = reason.text else { throw .invalid("a drain reason must be plain words") }
        _ = try await run(["scontrol", "update", "NodeName=\(try Self.checked(node))", "State=DRAIN", "Reason=\(text)"])
    }

    /// Returns a drained node to service.
    public func resume(_ node: String) async throws(SlurmError) {
        _ = try await run(["scontrol", "update", "NodeName=\(try Self.checked(node))", "State=RESUME"])
    }

    static func checked(_ node: String) throws(SlurmError) -> String {
        guard SlurmDrainReason.isWord(node) else { throw .invalid("'\(node.prefix(64))' is not a node name") }
        return node
    }

    private func run(_ argv: [String], environment: [String: String] = [:]) async throws(SlurmError) -> String {
        var environment = environment
        if let configFile { environment["SLURM_CONF"] = configFile }
        return try await SlurmCommand(argv: argv, environment: environment, timeout: timeout).run().stdout
    }

    /// The batch script, written once (owner-only directory, never through a symlink).
    private func scriptPath() throws(SlurmError) -> String {
        let path = workDirectory + "/vigil-attempt.sh"
        do {
            try FileManager.default.createDirectory(atPath: workDirectory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            if (try? String(contentsOfFile: path, encoding: .utf8)) != SlurmSubmission.script {
                let temporary = path + ".\(getpid()).new"
                try Data(SlurmSubmission.script.utf8).write(to: URL(fileURLWithPath: temporary))
                try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: temporary)
                guard rename(temporary, path) == 0 else { throw CocoaError(.fileWriteUnknown) }
            }
        } catch {
            throw .invalid("cannot write the batch script in \(workDirectory): \(error)")
        }
        return path
    }
}
