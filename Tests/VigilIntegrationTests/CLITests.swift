import Foundation
import Testing

/// The CLI as an operator meets it: help text and errors, snapshot-tested.
@Suite(.serialized)
struct CLITests {
    private func run(_ arguments: [String], in scope: TestScope) async throws -> (status: Int32?, out: String, err: String) {
        let child = try ChildProcess(Paths.vigil, arguments, outputDirectory: scope.directory, label: "cli")
        let status = await child.wait(timeout: .seconds(20))
        return (status, child.stdout, child.stderr)
    }

    @Test func agentRanksHelp() async throws {
        try await withScope("cli-help") { scope in
            let result = try await run(["agent", "ranks", "--help"], in: scope)
            #expect(result.status == 0)
            #expect(result.out == """
                OVERVIEW: Show the local ranks' state and per-communicator statistics.

                USAGE: vigil agent ranks [--socket <path>] [--json] [--watch <seconds>] [--until-done]

                OPTIONS:
                  --socket <path>         The agent's Unix socket (default:
                                          $VIGIL_AGENT_SOCKET, else /run/vigil/agent.sock as
                                          root, /tmp/vigil-UID/agent.sock otherwise).
                  --json                  Print JSON for scripts.
                  --watch <seconds>       Refresh every SECONDS until interrupted (or until
                                          every rank has ended with --until-done).
                  --until-done            With --watch: stop once ranks were seen and all of
                                          them have ended.
                  --version               Show the version.
                  -h, --help              Show help information.


                """)
        }
    }

    @Test func unreachableAgentIsAClearError() async throws {
        try await withScope("cli-unreachable") { scope in
            let socket = scope.directory.appendingPathComponent("none.sock").path
            let result = try await run(["agent", "ranks", "--socket", socket], in: scope)
            #expect(result.status == 1)
            #expect(result.err == "Error: no agent at \(socket): No such file or directory (is `vigil agent` running there?)\n")
        }
    }

    @Test func secondAgentOnTheSameSocketRefusesToStart() async throws {
        try await withScope("cli-twice") { scope in
            let agent = try await scope.agent()
            let result = try await run(["agent", "run", "--socket", agent.socket, "--ring-dir", agent.ringDirectory], in: scope)
            #expect(result.status == 1)
            #expect(result.err.contains("another agent is already listening on \(agent.socket)"))
            #expect((try? await agent.report()) != nil, "the first agent keeps serving")
        }
    }
}
