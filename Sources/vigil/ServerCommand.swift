import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import VigilServer
import VigilStore

struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "The central server: agents stream telemetry to it, it keeps it in SQLite.",
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

        @Option(help: ArgumentHelp("The SQLite store (default: $XDG_STATE_HOME/vigil/vigil.sqlite).", valueName: "path"))
        var store: String?

        @OptionGroup var token: TokenOption

        @Option(help: ArgumentHelp("Write the port actually bound to this file (for --listen HOST:0).", valueName: "path"))
        var portFile: String?

        @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
        var logLevel: Logger.Level = .info

        func run() async throws {
            let (host, port) = try HostPort.parse(listen)
            let secret = try token.load()
            bootstrapLogging(logLevel)
            let logger = Logger(label: "vigil.server")
            let path = try store ?? StateDirectory.defaultStorePath()
            let configuration = ServerConfiguration(host: host, port: port, token: secret, portFile: portFile)
            let ingest = IngestService(configuration: configuration, store: try SQLiteStore(path: path), logger: logger)
            logger.info("store opened", metadata: ["path": "\(path)"])
            try await ServiceGroup(services: [ingest], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger).run()
        }
    }
}
