import Foundation

/// One Slurm client command run to its end: argv (never a shell), the
/// cluster's config, a deadline. Its output is read as it comes, so a long
/// answer (sinfo of a big cluster) cannot stall it on a full pipe.
struct SlurmCommand {
    var argv: [String]
    var environment: [String: String]
    var timeout: Duration

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    func run() async throws(SlurmError) -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = argv
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let (out, err) = (Pipe(), Pipe())
        (process.standardInput, process.standardOutput, process.standardError) = (FileHandle.nullDevice, out, err)
        do {
            try process.run()
        } catch {
            throw .unreachable("cannot run \(argv[0]): \(error)")
        }
        let stdout = Task.detached { out.fileHandleForReading.readDataToEndOfFile() }
        let stderr = Task.detached { err.fileHandleForReading.readDataToEndOfFile() }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        let timedOut = process.isRunning
        if timedOut { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let output = Output(status: process.terminationStatus, stdout: String(decoding: await stdout.value, as: UTF8.self),
                            stderr: String(decoding: await stderr.value, as: UTF8.self))
        if timedOut { throw .unreachable("\(argv[0]) gave no answer within \(timeout)") }
        guard output.status == 0 else { throw Self.failure(argv[0], output) }
        return output
    }

    /// A controller that cannot be reached is told apart from a refusal.
    static func failure(_ command: String, _ output: Output) -> SlurmError {
        let message = output.stderr.split(separator: "\n").last.map(String.init) ?? ""
        let unreachable = ["Unable to contact slurm controller", "Connection refused", "Socket timed out",
                           "Communication connection failure"]
        if unreachable.contains(where: output.stderr.contains) { return .unreachable("\(command): \(message)") }
        return .refused(command: command, status: output.status, message: message)
    }
}
