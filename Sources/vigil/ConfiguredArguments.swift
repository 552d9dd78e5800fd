import Foundation
import VigilConfig

/// The arguments `vigil server run` and `vigil agent run` are parsed from:
/// their section of the config file, then `VIGIL_SERVER_*` / `VIGIL_AGENT_*`,
/// then the command line (docs/configuration.md). Other commands' arguments pass unchanged.
enum ConfiguredArguments {
    static func resolve(_ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ConfigProblems) -> [String] {
        guard let (section, lead) = daemon(arguments) else { return arguments }
        let rest = Array(arguments.dropFirst(lead))
        var entries: [ConfigFile.Entry] = []
        if let path = ConfigLayers.explicitFile(in: rest) ?? ConfigLocation.path(environment: environment) {
            entries = try ConfigLocation.load(path).sections[section] ?? []
        }
        return Array(arguments.prefix(lead))
            + ConfigLayers.arguments(file: entries, environment: ConfigLayers.environment(environment, section: section),
                                     commandLine: rest)
    }

    /// The section a command line's daemon reads, and how many words name it.
    private static func daemon(_ arguments: [String]) -> (String, Int)? {
        switch (arguments.first, arguments.dropFirst().first) {
        case ("server", "run"): ("server", 2)
        case ("server", let next) where next == nil || next!.hasPrefix("-"): ("server", 1)
        case ("agent", "run"): ("agent", 2)
        default: nil
        }
    }
}

/// Every problem of a config file, one per line.
struct ConfigProblems: Error, CustomStringConvertible {
    var all: [ConfigProblem]
    var description: String { all.map(\.description).joined(separator: "\n") }
}

/// Where the config file is, and reading it.
enum ConfigLocation {
    static let system = "/etc/vigil/vigil.yaml"

    /// $VIGIL_CONFIG, else /etc/vigil/vigil.yaml when it exists.
    static func path(environment: [String: String]) -> String? {
        if let path = environment["VIGIL_CONFIG"], !path.isEmpty { return path }
        return FileManager.default.fileExists(atPath: system) ? system : nil
    }

    static func read(_ path: String) throws(ConfigProblems) -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigProblems(all: [ConfigProblem(file: path, line: nil, message: "cannot read: \(error.localizedDescription)")])
        }
    }

    static func load(_ path: String) throws(ConfigProblems) -> ConfigFile {
        let (config, problems) = ConfigFile.parse(try read(path), file: path)
        guard problems.isEmpty else { throw ConfigProblems(all: problems) }
        return config
    }
}
