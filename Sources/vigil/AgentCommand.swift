import ArgumentParser
import Foundation
import Logging
import VigilAgent
import VigilCore

struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "The node agent: collects telemetry from the ranks on this host.",
        subcommands: [Run.self, Ranks.self],
        defaultSubcommand: Run.self)
}

struct SocketOption: ParsableArguments {
    @Option(name: .long, help: "The agent's Unix socket (default: $VIGIL_AGENT_SOCKET, /run/vigil/agent.sock as root).")
    var socket: String = AgentConfiguration.defaultSocketPath
}

extension AgentCommand {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Run the agent in the foreground until SIGTERM or SIGINT.")

        @OptionGroup var socket: SocketOption

        @Option(help: "Directory for the ranks' ring files (a tmpfs).")
        var ringDir: String = "/dev/shm/vigil"

        @Option(help: "Records per rank ring, rounded up to a power of two (64 bytes each).")
        var ringCapacity: Int = 65_536

        @Option(help: "Records kept per rank for postmortems.")
        var flightRecorder: Int = 4_096

        @Option(help: "Seconds an ended rank stays in reports.")
        var tombstoneSeconds: Double = 300

        @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
        var logLevel: Logger.Level = .info

        func validate() throws {
            guard ringCapacity >= 64 else { throw ValidationError("--ring-capacity must be at least 64") }
            guard flightRecorder >= 1 else { throw ValidationError("--flight-recorder must be at least 1") }
            guard tombstoneSeconds >= 0 else { throw ValidationError("--tombstone-seconds must not be negative") }
        }

        func run() async throws {
            let level = logLevel
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            let configuration = AgentConfiguration(
                socketPath: socket.socket, ringDirectory: ringDir, ringCapacity: ringCapacity,
                flightRecorderDepth: flightRecorder, tombstoneSeconds: tombstoneSeconds)
            try await Agent(configuration: configuration, logger: Logger(label: "vigil.agent")).run()
        }
    }

    struct Ranks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ranks",
            abstract: "Show the local ranks' state and per-communicator statistics.")

        @OptionGroup var socket: SocketOption

        @Flag(help: "Print JSON for scripts.")
        var json = false

        @Option(help: "Refresh every SECONDS until interrupted (or until every rank has ended with --until-done).")
        var watch: Double?

        @Flag(help: "With --watch: stop once ranks were seen and all of them have ended.")
        var untilDone = false

        func run() async throws {
            guard let interval = watch else {
                print(try await render(), terminator: "")
                return
            }
            while true {
                let report = try await AgentClient.report(socketPath: socket.socket)
                print("\u{1B}[H\u{1B}[2J" + output(report), terminator: "")
                if untilDone, !report.ranks.isEmpty, report.ranks.allSatisfy({ $0.status != .running }) { return }
                try await Task.sleep(for: .milliseconds(Int(interval * 1000)))
            }
        }

        private func render() async throws -> String {
            output(try await AgentClient.report(socketPath: socket.socket))
        }

        private func output(_ report: AgentReport) -> String {
            guard json else { return report.renderTables() }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            return String(decoding: (try? encoder.encode(report)) ?? Data(), as: UTF8.self) + "\n"
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
