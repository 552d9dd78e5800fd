import ArgumentParser
import Foundation
import VigilConfig

/// The arguments `vigil server run` and `vigil agent run` are parsed from:
/// their section of the config file, then `VIGIL_SERVER_*` / `VIGIL_AGENT_*`,
/// then the command line (docs/configuration.md). Other commands' arguments pass unchanged.
enum ConfiguredArguments {
    static func resolve(_ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ConfigProblems) -> [String] {
        guard let (section, lead, command) = daemon(arguments) else { return arguments }
        let rest = Array(arguments.dropFirst(lead))
        var entries: [ConfigFile.Entry] = []
        if let path = ConfigLayers.explicitFile(in: rest) ?? ConfigLocation.path(environment: environment) {
            entries = try ConfigLocation.load(path).sections[section] ?? []
        }
        let fromEnvironment = ConfigLayers.environment(environment, section: section).filter { isFlag($0, of: command) }
        return Array(arguments.prefix(lead)) + ConfigLayers.arguments(file: entries, environment: fromEnvironment, commandLine: rest)
    }

    /// The section a command line's daemon reads, how many words name it, and the command that parses it.
    private static func daemon(_ arguments: [String]) -> (String, Int, any ParsableCommand.Type)? {
        let defaultRun = arguments.count == 1 || arguments.dropFirst().first?.hasPrefix("-") == true
        switch arguments.first {
        case "server" where arguments.dropFirst().first == "run": return ("server", 2, ServerCommand.Run.self)
        case "server" where defaultRun: return ("server", 1, ServerCommand.Run.self)
        case "agent" where arguments.dropFirst().first == "run": return ("agent", 2, AgentCommand.Run.self)
        case "agent" where defaultRun: return ("agent", 1, AgentCommand.Run.self)
        default: return nil
        }
    }

    /// A `VIGIL_SERVER_*` / `VIGIL_AGENT_*` variable that names no flag of the
    /// daemon is someone else's: left out, with a word on stderr, rather than stopping it.
    private static func isFlag(_ entry: ConfigFile.Entry, of command: any ParsableCommand.Type) -> Bool {
        do {
            _ = try command.parse(entry.arguments)
        } catch {
            guard command.message(for: error).contains("Unknown option '--\(entry.key)'") else { return true }
            FileHandle.standardError.write(Data("vigil: ignoring the environment's \(entry.key): no such flag\n".utf8))
            return false
        }
        return true
    }
}
