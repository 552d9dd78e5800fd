import ArgumentParser
import Logging

/// `--log-level` for commands that talk to hosts: libssh's messages show from debug down.
struct LogLevelOption: ParsableArguments {
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (libssh's messages: debug and trace).")
    var logLevel: Logger.Level = .info

    func bootstrap() { bootstrapLogging(logLevel) }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// Every log line to stderr, at `level` and above.
func bootstrapLogging(_ level: Logger.Level) {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
}
