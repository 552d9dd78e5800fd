import Foundation

/// A process a test started: output captured to files, stopped by pid.
final class ChildProcess: @unchecked Sendable {
    let process = Process()
    let stdoutURL: URL
    let stderrURL: URL

    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
         outputDirectory: URL, label: String) throws {
        stdoutURL = outputDirectory.appendingPathComponent("\(label).out")
        stderrURL = outputDirectory.appendingPathComponent("\(label).err")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = Self.isolated.merging(environment) { $1 }
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
    }

    /// This process's environment, less what would configure a daemon from
    /// outside the test: no config file (/etc/vigil/vigil.yaml, $VIGIL_CONFIG), no VIGIL_SERVER_* or VIGIL_AGENT_*.
    static var isolated: [String: String] {
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("VIGIL_SERVER_") && !$0.key.hasPrefix("VIGIL_AGENT_") }
            .merging(["VIGIL_CONFIG": "none"]) { $1 }
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }
    var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    /// Wait for exit; returns the status, or nil if the deadline passed.
    func wait(timeout: Duration) async -> Int32? {
        let exited = await eventually(timeout: timeout) { !self.process.isRunning }
        return exited ? process.terminationStatus : nil
    }

    func signal(_ signal: Int32) {
        if process.isRunning { kill(pid, signal) }
    }

    /// SIGTERM, then SIGKILL if it has not gone within the grace period.
    func stop(grace: Duration = .seconds(5)) async {
        guard process.isRunning else { return }
        signal(SIGTERM)
        if await wait(timeout: grace) == nil {
            signal(SIGKILL)
            _ = await wait(timeout: .seconds(5))
        }
    }
}

/// Poll `condition` until it holds or `timeout` passes.
func eventually(timeout: Duration, every interval: Duration = .milliseconds(20),
                _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return try await condition()
}
