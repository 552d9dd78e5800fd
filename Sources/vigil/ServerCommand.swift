import ArgumentParser
import Foundation
import Logging
import VigilAPIClient
import VigilCore
import VigilServer
import VigilStore
import VigilWire

struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "The central server: agents stream telemetry to it, it keeps it in SQLite and runs the detector over it.",
        subcommands: [Run.self],
        defaultSubcommand: Run.self)
}

extension ServerCommand {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Run the server in the foreground until SIGTERM or SIGINT.")

        @Option(help: ArgumentHelp("Address and port agents connect to.", valueName: "host:port"))
        var listen: String = "0.0.0.0:7077"

        @Option(help: ArgumentHelp("Address and port of the read API (HTTP/JSON) for the console and CLI.",
                                   valueName: "host:port"))
        var api: String = "127.0.0.1:7078"

        @Option(help: ArgumentHelp("The SQLite store (default: $XDG_STATE_HOME/vigil/vigil.sqlite).", valueName: "path"))
        var store: String?

        @OptionGroup var token: TokenOption

        @Option(help: ArgumentHelp("Serve agents over TLS with this certificate chain (PEM); needs --tls-key.",
                                   valueName: "path"))
        var tlsCert: String?

        @Option(help: ArgumentHelp("The private key (PEM) of --tls-cert.", valueName: "path"))
        var tlsKey: String?

        @Option(help: ArgumentHelp("Write the ingest port actually bound to this file (for --listen HOST:0).", valueName: "path"))
        var portFile: String?

        @Option(help: ArgumentHelp("Write the API port actually bound to this file (for --api HOST:0).", valueName: "path"))
        var apiPortFile: String?

        @Option(help: ArgumentHelp("Hours raw stat and link windows are kept.", valueName: "hours"))
        var keepRawHours: Double = 24

        @Option(help: ArgumentHelp("Days one-minute roll-ups are kept.", valueName: "days"))
        var keepRollupDays: Double = 30

        @Option(help: ArgumentHelp("Append every stored batch to this capture file, for `vigil replay`.", valueName: "path"))
        var capture: String?

        @Option(help: "How jobs are started and stopped: ssh (through the agents) or slurm (sbatch, scancel; docs/slurm.md).")
        var backend: BackendName = .ssh

        @Option(help: ArgumentHelp("slurm.conf for the Slurm commands (default: theirs, or $SLURM_CONF).", valueName: "path"))
        var slurmConf: String?

        @Option(help: ArgumentHelp("The Slurm partition attempts are submitted to (default: the cluster's).", valueName: "name"))
        var slurmPartition: String?

        @Option(help: ArgumentHelp("Where attempts' output goes on the Slurm nodes (read from here when shared).",
                                   valueName: "path"))
        var slurmOutputDir: String = "/tmp"

        @OptionGroup(title: "Detector") var detector: DetectorOptions
        @OptionGroup(title: "Recovery") var recovery: RecoveryOptions
        @OptionGroup(title: "Alerts") var alerting: AlertOptions

        @Option(help: ArgumentHelp("The port agents answer link probes on (their --probe-port).", valueName: "port"))
        var probePort: Int = 7_079

        @Option(help: ArgumentHelp("Bytes each link probe sends.", valueName: "bytes"))
        var probeBytes: Int = 1 << 20

        @Option(help: ArgumentHelp("Complete checkpoints kept per job and level; older ones are removed (pinned ones never).",
                                   valueName: "count"))
        var checkpointKeep: Int = 3

        @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
        var logLevel: Logger.Level = .info

        @Option(help: ArgumentHelp("The config file whose server section comes under these flags (default: $VIGIL_CONFIG, else /etc/vigil/vigil.yaml).",
                                   valueName: "path"))
        var config: String?

        func validate() throws {
            for (flag, address) in [("--listen", listen), ("--api", api)] where (try? HostPort.parse(address)) == nil {
                throw ValidationError("\(flag) must be HOST:PORT, not '\(address)'")
            }
            guard keepRawHours > 0, keepRollupDays > 0 else { throw ValidationError("retention must be positive") }
            guard checkpointKeep >= 1 else { throw ValidationError("--checkpoint-keep must be at least 1") }
            guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
            if let slurmPartition, !SafeName.isValid(slurmPartition) {
                throw ValidationError("--slurm-partition must be \(SafeName.rule)")
            }
            guard slurmOutputDir.hasPrefix("/"), !slurmOutputDir.contains("\n") else {
                throw ValidationError("--slurm-output-dir must be an absolute path")
            }
            guard (1...65_535).contains(probePort) else { throw ValidationError("--probe-port must be a port number") }
            guard probeBytes >= 1, UInt64(probeBytes) <= ProbeRequest.maxBytes else {
                throw ValidationError("--probe-bytes must be 1 to \(ProbeRequest.maxBytes)")
            }
        }

        func run() async throws {
            let (host, port) = try HostPort.parse(listen)
            let (apiHost, apiPort) = try HostPort.parse(api)
            let secret = try token.load()
            bootstrapLogging(logLevel)
            let logger = Logger(label: "vigil.server")
            let path = try store ?? StateDirectory.defaultStorePath()
            let tls = try tlsCert.map { try TLSFiles.serverContext(certificateChain: $0, privateKey: tlsKey ?? "") }
            let configuration = ServerConfiguration(host: host, port: port, token: secret, portFile: portFile, tls: tls,
                                                    checkpointKeep: checkpointKeep)
            let store = try SQLiteStore(path: path)
            logger.info("store opened", metadata: ["path": "\(path)"])
            let server = Server(
                configuration: configuration, backend: try jobBackend(storePath: path), api: .init(host: apiHost, port: apiPort, portFile: apiPortFile), store: store,
                retention: .init(rawKeep: .seconds(keepRawHours * 3_600), rollupKeep: .seconds(keepRollupDays * 86_400)),
                detector: detector.configuration, probes: .init(port: probePort, bytes: UInt64(probeBytes)),
                recovery: recovery.configuration, alertTargets: alerting.targets, capturePath: capture, logger: logger)
            try await server.run()
        }

        /// The Slurm backend keeps its batch script beside the store.
        private func jobBackend(storePath: String) throws -> Server.Backend {
            guard backend == .slurm else { return .ssh }
            let work = URL(fileURLWithPath: storePath).deletingLastPathComponent().appendingPathComponent("slurm").path
            return .slurm(.init(configFile: slurmConf, partition: slurmPartition, outputDirectory: slurmOutputDir,
                                workDirectory: work))
        }
    }

    enum BackendName: String, ExpressibleByArgument, CaseIterable {
        case ssh, slurm
    }
}
