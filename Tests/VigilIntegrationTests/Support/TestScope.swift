import Foundation

/// Everything one test starts: a temporary directory, a tmpfs directory for
/// rings, and the processes using them. Closing the scope stops every
/// process by pid and removes both directories, whether the test passed,
/// failed or threw.
final class TestScope: @unchecked Sendable {
    let directory: URL
    let shared: URL
    private var stops: [() async -> Void] = []

    init(_ label: String) throws {
        directory = try Paths.temporaryDirectory(label)
        shared = try Paths.temporaryDirectory(label, under: "/dev/shm")
    }

    /// An agent; a `name` gives it a directory (socket, logs) and rings of its own, for several in one test.
    func agent(named name: String? = nil, arguments: [String] = []) async throws -> AgentHarness {
        var home = directory
        if let name {
            home = directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        }
        let rings = shared.appendingPathComponent(name.map { "\($0)-rings" } ?? "rings").path
        let agent = AgentHarness(directory: home, ringDirectory: rings, arguments: arguments)
        stops.append { await agent.stop() }
        try await agent.start()
        return agent
    }

    func server(arguments: [String] = [], listenHost: String = "127.0.0.1") async throws -> ServerHarness {
        let server = try ServerHarness(directory: directory, arguments: arguments, listenHost: listenHost)
        stops.append { await server.stop() }
        try await server.start()
        return server
    }

    func job(ranks: Int, program: String = Paths.vigilTrain, _ arguments: [String],
             environment: [String: String], untracedRanks: Int = 0,
             moreRanks: (count: Int, environment: [String: String])? = nil, label: String = "mpirun") throws -> MPIJob {
        let job = try MPIJob(ranks: ranks, program: program, arguments: arguments, rankEnvironment: environment,
                             untracedRanks: untracedRanks, moreRanks: moreRanks, directory: directory, label: label)
        stops.append { await job.child.stop() }
        return job
    }

    /// Run `stop` when the scope closes (after what was started later).
    func stopAfterwards(_ stop: @escaping () async -> Void) {
        stops.append(stop)
    }

    func close() async {
        for stop in stops.reversed() { await stop() }
        try? FileManager.default.removeItem(at: directory)
        try? FileManager.default.removeItem(at: shared)
    }
}

func withScope(_ label: String, _ body: (TestScope) async throws -> Void) async throws {
    let scope = try TestScope(label)
    do {
        try await body(scope)
    } catch {
        await scope.close()
        throw error
    }
    await scope.close()
}
