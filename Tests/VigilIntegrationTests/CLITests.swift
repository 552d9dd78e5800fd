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

    @Test func checkpointsHelp() async throws {
        try await withScope("cli-checkpoints-help") { scope in
            let result = try await run(["checkpoints", "--help"], in: scope)
            #expect(result.status == 0)
            #expect(result.out == """
                OVERVIEW: Checkpoints by level: what each job can restore from, and what
                retention keeps.

                USAGE: vigil checkpoints <subcommand>

                OPTIONS:
                  --version               Show the version.
                  -h, --help              Show help information.

                SUBCOMMANDS:
                  list (default)          Each job's restorable step per level and the work at
                                          risk, then its checkpoints, newest first.
                  pin                     Keep a checkpoint whatever retention says.
                  unpin                   Let retention remove a checkpoint again.

                  See 'vigil help checkpoints <subcommand>' for detailed help.

                """)
        }
    }

    @Test func recoveryHelp() async throws {
        try await withScope("cli-recovery-help") { scope in
            let result = try await run(["recovery", "--help"], in: scope)
            #expect(result.status == 0)
            #expect(result.out == """
                OVERVIEW: Recoveries: the plan for each incident, its timeline and cost;
                approve a plan.

                USAGE: vigil recovery <subcommand>

                OPTIONS:
                  --version               Show the version.
                  -h, --help              Show help information.

                SUBCOMMANDS:
                  list (default)          Recoveries, newest first.
                  approve                 Carry out a recovery plan awaiting approval.

                  See 'vigil help recovery <subcommand>' for detailed help.

                """)
        }
    }

    @Test func noteHelpAndRefusals() async throws {
        try await withScope("cli-note") { scope in
            let help = try await run(["note", "--help"], in: scope)
            #expect(help.status == 0)
            #expect(help.out == """
                OVERVIEW: Write a note on the cluster's timeline; every vigil top shows it over
                its views.

                One line of at most 200 printable characters, shown for two minutes and kept on
                the timeline. A change: it needs the shared token.

                USAGE: vigil note [--api <host:port>] [--json] [--token-file <path>] [--job <job>] [--node <node>] [<text> ...]

                ARGUMENTS:
                  <text>                  The note (words are joined with spaces).

                OPTIONS:
                  --api <host:port>       The server's read API (default: $VIGIL_API, else
                                          127.0.0.1:7078).
                  --json                  Print JSON for scripts.
                  --token-file <path>     File holding the shared token (default: $VIGIL_TOKEN).
                  --job <job>             The job it is about.
                  --node <node>           The node it is about.
                  --version               Show the version.
                  -h, --help              Show help information.


                """)
            let empty = try await run(["note"], in: scope)
            #expect(empty.status == 64 && empty.err.hasPrefix("Error: a note needs text"), "\(empty.err)")
            let badNode = try await run(["note", "--node", "a/b", "hello"], in: scope)
            #expect(badNode.status == 64 && badNode.err.contains("node must be 1-63 characters"), "\(badNode.err)")
        }
    }

    @Test func topHelp() async throws {
        try await withScope("cli-top-help") { scope in
            let result = try await run(["top", "--help"], in: scope)
            #expect(result.status == 0)
            #expect(result.out == """
                OVERVIEW: The operations console: the whole cluster live in the terminal
                (ncurses).

                Reads the server's API (--api, $VIGIL_API), or a store read-only for a
                postmortem (--store). Settings (refresh, theme, api, columns) come from the
                console section of vigil's config file, or from
                $XDG_CONFIG_HOME/vigil/console.yaml; flags win. Press ? inside for the keys.

                USAGE: vigil top [--api <host:port>] [--store <path>] [--readonly] [--refresh <seconds>] [--theme <theme>] [--config <path>] [--view <view>] [--job <job>] [--token-file <path>]

                OPTIONS:
                  --api <host:port>       The server's API (default: $VIGIL_API, else the
                                          settings' api, else 127.0.0.1:7078).
                  --store <path>          Read this store instead of a server (read-only, for
                                          postmortems).
                  --readonly              Refuse every action that would change the cluster
                                          (cordons).
                  --refresh <seconds>     Seconds between fetches (0.2-60; default 1, or the
                                          settings').
                  --theme <theme>         Colours: auto, 256, 8 or mono (NO_COLOR also means
                                          mono).
                  --config <path>         vigil's config file, or a console settings file
                                          (default: $VIGIL_CONFIG, else
                                          $XDG_CONFIG_HOME/vigil/console.yaml, else
                                          /etc/vigil/vigil.yaml).
                  --view <view>           The view to open: overview, ranks, nodes,
                                          collectives, links, incidents, timeline, runs.
                                          (default: overview)
                  --job <job>             The job to show first (default: the first running).
                  --token-file <path>     File holding the shared token (default: $VIGIL_TOKEN).
                  --version               Show the version.
                  -h, --help              Show help information.


                """)
        }
    }

    @Test func topRefusesABadSettingsFileNamingTheLine() async throws {
        try await withScope("cli-top-config") { scope in
            let file = scope.directory.appendingPathComponent("console.yaml")
            try "refresh: 0.5\ntheme: plaid\n".write(to: file, atomically: true, encoding: .utf8)
            let result = try await run(["top", "--config", file.path], in: scope)
            #expect(result.status != 0)
            #expect(result.err.contains("\(file.path):2: theme must be one of auto, 256, 8, mono, not 'plaid'"), "\(result.err)")

            let config = scope.directory.appendingPathComponent("vigil.yaml")
            try "agent:\n  metrics: 0.0.0.0:7081\nconsole:\n  refresh: 0.5\n  theme: plaid\n".write(to: config, atomically: true, encoding: .utf8)
            let sectioned = try await run(["top", "--config", config.path], in: scope)
            #expect(sectioned.status != 0)
            #expect(sectioned.err.contains("\(config.path):5: console: theme must be one of auto, 256, 8, mono, not 'plaid'"),
                    "the console section of vigil's config: \(sectioned.err)")
        }
    }

    @Test func topWithoutATerminalSaysSo() async throws {
        try await withScope("cli-top-notty") { scope in
            let result = try await run(["top", "--api", "127.0.0.1:9"], in: scope)
            #expect(result.status == 1)
            #expect(result.err.contains("vigil top needs a terminal"), "\(result.err)")
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
