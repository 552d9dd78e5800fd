import ArgumentParser
import Foundation
import Logging
import VigilAgent
import VigilAPIClient
import VigilCore
import VigilMetrics

struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "The node agent: collects telemetry from the ranks on this host.",
        subcommands: [Run.self, Ranks.self, Records.self],
        defaultSubcommand: Run.self)
}

struct SocketOption: ParsableArguments {
    @Option(name: .customLong("socket"),
            help: ArgumentHelp("The agent's Unix socket (default: $VIGIL_AGENT_SOCKET, else /run/vigil/agent.sock as root, /tmp/vigil-UID/agent.sock otherwise).",
                               valueName: "path"))
    var explicitPath: String?

    var path: String { explicitPath ?? AgentConfiguration.defaultSocketPath }
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

        @Option(help: ArgumentHelp("Stream telemetry to this server (default: keep it local).", valueName: "host:port"))
        var server: String?

        @OptionGroup var token: TokenOption

        @Option(help: ArgumentHelp("Connect to the server over TLS, trusting this CA certificate (PEM).",
                                   valueName: "path"))
        var tlsCA: String?

        @Option(help: ArgumentHelp("This node's name on the server (default: the host name).", valueName: "name"))
        var node: String?

        @Option(help: ArgumentHelp("Seconds between batches sent to the server.", valueName: "seconds"))
        var uplinkInterval: Double = 1

        @Option(help: ArgumentHelp("Directory where batches wait for the server, surviving restarts (default: $XDG_STATE_HOME/vigil/spool).", valueName: "path"))
        var spool: String?

        @Option(help: ArgumentHelp("Batches the spool holds before dropping the oldest (one per interval).", valueName: "count"))
        var spoolCapacity: Int = 3_600

        @Option(help: ArgumentHelp("Where the output of jobs this agent starts is kept (default: $XDG_STATE_HOME/vigil/runs).",
                                   valueName: "path"))
        var runDir: String?

        @Option(help: ArgumentHelp("TCP port where this agent answers its peers' link probes (0: none).", valueName: "port"))
        var probePort: Int = 7_079

        @Option(help: ArgumentHelp("The data network (MPI traffic) apart from the one the server is reached over: peers probe this agent at its address there.",
                                   valueName: "cidr"))
        var dataNetwork: String?

        @Option(help: ArgumentHelp("This node's checkpoint directory (level 1), for ranks that name none.", valueName: "path"))
        var checkpointLocal: String?

        @Option(help: ArgumentHelp("Where this node keeps its buddy's checkpoint shards (the buddy level), taken on --buddy-port.",
                                   valueName: "path"))
        var checkpointBuddy: String?

        @Option(help: ArgumentHelp("TCP port where this agent takes its buddy's checkpoint shards (0: any free one, told to the server).",
                                   valueName: "port"))
        var buddyPort: Int = 7_080

        @Option(help: ArgumentHelp("The shared checkpoint directory (level 2) this agent copies its ranks' shards to.",
                                   valueName: "path"))
        var checkpointShared: String?

        @Option(name: .customLong("nccl-inspector"),
                help: ArgumentHelp("Follow NCCL Inspector's output in this directory (repeatable): GPU ranks feed the detector too.",
                                   valueName: "path"))
        var ncclInspector: [String] = []

        @Option(help: ArgumentHelp("Serve Prometheus metrics on GET /metrics here (default: none).", valueName: "host:port"))
        var metrics: String?

        @Option(help: ArgumentHelp("The config file whose agent section comes under these flags (default: $VIGIL_CONFIG, else /etc/vigil/vigil.yaml).",
                                   valueName: "path"))
        var config: String?

        @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
        var logLevel: Logger.Level = .info

        func validate() throws {
            for (flag, path) in [("--checkpoint-local", checkpointLocal), ("--checkpoint-buddy", checkpointBuddy),
                                 ("--checkpoint-shared", checkpointShared)] {
                guard let path else { continue }
                guard path.hasPrefix("/"), !path.contains(where: \.isWhitespace) else {
                    throw ValidationError("\(flag) must be an absolute path without spaces")
                }
            }
            for (flag, address) in [("--server", server), ("--metrics", metrics)] {
                guard let address, (try? HostPort.parse(address)) == nil else { continue }
                throw ValidationError("\(flag) must be HOST:PORT, not '\(address)'")
            }
            guard (0...65_535).contains(probePort) else { throw ValidationError("--probe-port must be a port number") }
            guard (0...65_535).contains(buddyPort) else { throw ValidationError("--buddy-port must be a port number") }
            if let dataNetwork, IPv4Network(dataNetwork) == nil {
                throw ValidationError("--data-network must be an IPv4 network like 10.78.0.0/24")
            }
            if let node, !SafeName.isValid(node) { throw ValidationError("--node must be \(SafeName.rule)") }
            guard uplinkInterval >= 0.05 else { throw ValidationError("--uplink-interval must be at least 0.05") }
            guard spoolCapacity >= 1 else { throw ValidationError("--spool-capacity must be at least 1") }
            guard ringCapacity >= 64 else { throw ValidationError("--ring-capacity must be at least 64") }
            guard flightRecorder >= 1 else { throw ValidationError("--flight-recorder must be at least 1") }
            guard tombstoneSeconds >= 0 else { throw ValidationError("--tombstone-seconds must not be negative") }
        }

        func run() async throws {
            bootstrapLogging(logLevel)
            var configuration = AgentConfiguration(
                socketPath: socket.path, ringDirectory: ringDir, ringCapacity: ringCapacity,
                flightRecorderDepth: flightRecorder, tombstoneSeconds: tombstoneSeconds,
                runDirectory: try runDir ?? StateDirectory.path("runs"), node: nodeName,
                checkpointLocal: checkpointLocal, checkpointBuddy: checkpointBuddy,
                checkpointShared: checkpointShared)
            configuration.ncclInspectorDirectories = ncclInspector
            try await Agent(configuration: configuration, uplink: try uplink(), metrics: try metricsEndpoint(),
                            logger: Logger(label: "vigil.agent")).run()
        }

        /// The exporter becomes the process's metrics backend before any service makes a counter.
        private func metricsEndpoint() throws -> (host: String, port: Int, exporter: MetricsExporter)? {
            guard let metrics else { return nil }
            let (host, port) = try HostPort.parse(metrics)
            let exporter = MetricsExporter()
            exporter.bootstrap()
            return (host, port, exporter)
        }

        private var nodeName: String {
            node ?? ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "node"
        }

        private func uplink() throws -> UplinkConfiguration? {
            guard let server else { return nil }
            let (host, port) = try HostPort.parse(server)
            let name = nodeName
            guard SafeName.isValid(name) else { throw ValidationError("host name '\(name)' is not a valid node name: give --node") }
            return UplinkConfiguration(host: host, port: port, token: try token.load(), node: name,
                                       interval: .milliseconds(Int(uplinkInterval * 1_000)),
                                       outboxCapacity: spoolCapacity,
                                       spoolDirectory: try spool ?? StateDirectory.path("spool"),
                                       tls: try tlsCA.map { try TLSFiles.clientContext(trustedCA: $0) },
                                       probePort: probePort == 0 ? nil : probePort,
                                       buddyPort: checkpointBuddy == nil ? nil : buddyPort,
                                       dataNetwork: dataNetwork.flatMap(IPv4Network.init))
        }
    }

    struct Ranks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ranks",
            abstract: "Show the local ranks' state and per-communicator statistics.")

        @OptionGroup var socket: SocketOption

        @Flag(help: "Print JSON for scripts.")
        var json = false

        @Option(help: ArgumentHelp("Refresh every SECONDS until interrupted (or until every rank has ended with --until-done).",
                                   valueName: "seconds"))
        var watch: Double?

        @Flag(help: "With --watch: stop once ranks were seen and all of them have ended.")
        var untilDone = false

        func validate() throws {
            if let watch, !(watch > 0) { throw ValidationError("--watch needs a positive number of seconds") }
            if untilDone && watch == nil { throw ValidationError("--until-done goes with --watch") }
        }

        func run() async throws {
            guard let interval = watch else {
                print(try await render(), terminator: "")
                return
            }
            while true {
                let report = try await AgentClient.report(socketPath: socket.path)
                print("\u{1B}[H\u{1B}[2J" + output(report), terminator: "")
                if untilDone, !report.ranks.isEmpty, report.ranks.allSatisfy({ !$0.status.isAlive }) { return }
                try await Task.sleep(for: .milliseconds(Int(interval * 1000)))
            }
        }

        private func render() async throws -> String {
            output(try await AgentClient.report(socketPath: socket.path))
        }

        private func output(_ report: AgentReport) -> String {
            guard json else { return report.renderTables() }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            return String(decoding: (try? encoder.encode(report)) ?? Data(), as: UTF8.self) + "\n"
        }
    }
}

extension AgentCommand {
    struct Records: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "records",
            abstract: "Dump every local rank's flight recorder (the last records, oldest first) as JSON.")

        @OptionGroup var socket: SocketOption

        @Option(help: "Only this world rank.")
        var rank: Int?

        func run() async throws {
            var dump = try await AgentClient.flightRecorders(socketPath: socket.path)
            if let rank { dump.ranks.removeAll { $0.identity.rank != rank } }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(dump), as: UTF8.self))
        }
    }
}
