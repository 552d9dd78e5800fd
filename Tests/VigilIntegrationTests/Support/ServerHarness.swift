import Foundation
import VigilStore

/// A real `vigil server` on a free loopback port with its own store and token.
final class ServerHarness: @unchecked Sendable {
    let directory: URL
    let storePath: String
    let tokenFile: String
    private(set) var port = 0
    private(set) var process: ChildProcess?
    private var generation = 0

    init(directory: URL, token: String = "test-token-\(UUID().uuidString)") throws {
        self.directory = directory
        storePath = directory.appendingPathComponent("vigil.sqlite").path
        tokenFile = directory.appendingPathComponent("token").path
        try (token + "\n").write(toFile: tokenFile, atomically: true, encoding: .utf8)
    }

    /// Start (or restart, on the same port once known) and wait until it listens.
    func start() async throws {
        generation += 1
        let portFile = directory.appendingPathComponent("port\(generation)").path
        let child = try ChildProcess(
            Paths.vigil, ["server", "run", "--listen", "127.0.0.1:\(port)", "--store", storePath,
                          "--token-file", tokenFile, "--port-file", portFile],
            outputDirectory: directory, label: "server\(generation)")
        process = child
        let up = await eventually(timeout: .seconds(20)) {
            FileManager.default.fileExists(atPath: portFile) || !child.isRunning
        }
        guard up, child.isRunning,
              let text = try? String(contentsOfFile: portFile, encoding: .utf8), let bound = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else { throw HarnessError.serverDidNotStart(child.stderr) }
        port = bound
    }

    var address: String { "127.0.0.1:\(port)" }

    /// Arguments that make an agent stream here as `node`, spooling in the test's directory.
    func agentArguments(node: String) -> [String] {
        ["--server", address, "--token-file", tokenFile, "--node", node, "--uplink-interval", "0.2",
         "--spool", directory.appendingPathComponent("spool-\(node)").path]
    }

    func store() throws -> SQLiteStore { try SQLiteStore(path: storePath) }

    func kill9() async {
        process?.signal(SIGKILL)
        _ = await process?.wait(timeout: .seconds(5))
    }

    func stop() async { await process?.stop() }
}
