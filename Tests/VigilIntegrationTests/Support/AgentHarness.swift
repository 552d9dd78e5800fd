import Foundation
import VigilCore

/// A real `vigil agent` process on a private socket and ring directory.
final class AgentHarness: @unchecked Sendable {
    let directory: URL
    let socket: String
    let ringDirectory: String
    private let extraArguments: [String]
    private(set) var process: ChildProcess?
    private var generation = 0

    init(directory: URL, ringDirectory: String, arguments: [String] = []) {
        self.directory = directory
        self.ringDirectory = ringDirectory
        socket = directory.appendingPathComponent("agent.sock").path
        extraArguments = arguments
    }

    /// Start the agent and wait until it answers on its socket.
    func start() async throws {
        generation += 1
        let child = try ChildProcess(
            Paths.vigil, ["agent", "run", "--socket", socket, "--ring-dir", ringDirectory] + extraArguments,
            outputDirectory: directory, label: "agent\(generation)")
        process = child
        let up = await eventually(timeout: .seconds(20)) { (try? await self.report()) != nil || !child.isRunning }
        guard up, child.isRunning else { throw HarnessError.agentDidNotStart(child.stderr) }
    }

    func report() async throws -> AgentReport {
        try await query(AgentReport.self, ["agent", "ranks", "--socket", socket, "--json"])
    }

    func flightRecorders() async throws -> FlightRecorderDump {
        try await query(FlightRecorderDump.self, ["agent", "records", "--socket", socket])
    }

    /// Run the CLI the way an operator would and decode its JSON.
    private func query<T: Decodable>(_ type: T.Type, _ arguments: [String]) async throws -> T {
        let out = try ChildProcess(Paths.vigil, arguments, outputDirectory: directory, label: "query")
        guard await out.wait(timeout: .seconds(10)) == 0 else { throw HarnessError.queryFailed(out.stderr) }
        return try JSONDecoder().decode(T.self, from: Data(out.stdout.utf8))
    }

    /// SIGKILL: no graceful shutdown, the socket file and rings stay behind.
    func kill9() async {
        process?.signal(SIGKILL)
        _ = await process?.wait(timeout: .seconds(5))
    }

    func stop() async {
        await process?.stop()
    }

    /// MPI environment that points libvigil at this agent.
    var rankEnvironment: [String: String] {
        ["VIGIL_AGENT_SOCKET": socket, "LD_PRELOAD": Paths.libvigil]
    }
}

enum HarnessError: Error {
    case agentDidNotStart(String)
    case serverDidNotStart(String)
    case queryFailed(String)
}
