import Foundation
import VigilAlerts

/// Runs an alert's exec hook: the event as JSON on its stdin, its key and
/// class in its environment; killed when it outlives `timeout` (or the
/// server shuts down).
enum ExecHook {
    static func run(_ path: String, _ event: AlertEvent, timeout: Duration) async throws(WebhookError) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.environment = ProcessInfo.processInfo.environment.merging(AlertPayloads.environment(event)) { $1 }
        let stdin = Pipe()
        process.standardInput = stdin
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw .failed("cannot run \(path): \(error)")
        }
        let input = stdin.fileHandleForWriting
        try? input.write(contentsOf: AlertPayloads.exec(event))  // a hook that never reads still gets its pipe closed
        try? input.close()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline && !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw .timedOut
        }
        guard process.terminationStatus == 0 else { throw .failed("\(path) exited with status \(process.terminationStatus)") }
    }
}
