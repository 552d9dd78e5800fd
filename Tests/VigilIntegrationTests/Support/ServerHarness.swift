import Foundation
import VigilStore

/// A real `vigil server` on a free loopback port with its own store and token.
final class ServerHarness: @unchecked Sendable {
    let directory: URL
    let storePath: String
    let tokenFile: String
    private(set) var port = 0
    private(set) var apiPort = 0
    private(set) var process: ChildProcess?
    private let extraArguments: [String]
    /// Where agents connect: loopback, or a bench's bridge address.
    let listenHost: String
    private var generation = 0

    init(directory: URL, token: String = "test-token-\(UUID().uuidString)", arguments: [String] = [],
         listenHost: String = "127.0.0.1") throws {
        self.directory = directory
        self.listenHost = listenHost
        extraArguments = arguments
        storePath = directory.appendingPathComponent("vigil.sqlite").path
        tokenFile = directory.appendingPathComponent("token").path
        try (token + "\n").write(toFile: tokenFile, atomically: true, encoding: .utf8)
    }

    /// Start (or restart, on the same port once known) and wait until it listens.
    func start() async throws {
        generation += 1
        let portFile = directory.appendingPathComponent("port\(generation)").path
        let apiPortFile = directory.appendingPathComponent("api-port\(generation)").path
        let child = try ChildProcess(
            Paths.vigil, ["server", "run", "--listen", "\(listenHost):\(port)", "--api", "127.0.0.1:\(apiPort)",
                          "--store", storePath, "--token-file", tokenFile, "--port-file", portFile,
                          "--api-port-file", apiPortFile] + extraArguments,
            outputDirectory: directory, label: "server\(generation)")
        process = child
        let up = await eventually(timeout: .seconds(20)) {
            (FileManager.default.fileExists(atPath: portFile) && FileManager.default.fileExists(atPath: apiPortFile))
                || !child.isRunning
        }
        guard up, child.isRunning, let ingest = Self.port(in: portFile), let api = Self.port(in: apiPortFile) else {
            throw HarnessError.serverDidNotStart(child.stderr)
        }
        (port, apiPort) = (ingest, api)
    }

    private static func port(in file: String) -> Int? {
        (try? String(contentsOfFile: file, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// GET from the read API; the body of a 200 answer.
    func api(_ path: String) async throws -> Data {
        let client = try RawSocket.tcp(port: apiPort)
        client.send(Array("GET \(path) HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n".utf8))
        let reply = client.readToEnd() ?? []
        guard let split = reply.firstRange(of: Array("\r\n\r\n".utf8)),
              reply.starts(with: Array("HTTP/1.1 200".utf8)) else { throw HarnessError.queryFailed(String(decoding: reply, as: UTF8.self)) }
        return Data(reply[split.upperBound...])
    }

    /// Run a CLI command against this server's API; its status and output.
    func cli(_ arguments: [String]) async throws -> (status: Int32?, out: String, err: String) {
        var arguments = arguments
        arguments.insert(contentsOf: ["--api", "127.0.0.1:\(apiPort)"], at: arguments.firstIndex(of: "--") ?? arguments.endIndex)
        let child = try ChildProcess(Paths.vigil, arguments, outputDirectory: directory, label: "cli")
        let status = await child.wait(timeout: .seconds(60))
        return (status, child.stdout, child.stderr)
    }

    var address: String { "\(listenHost):\(port)" }

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
