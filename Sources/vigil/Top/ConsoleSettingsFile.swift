import ArgumentParser
import Foundation
import VigilConfig
import VigilConsole

/// The console's settings: the `console:` section of vigil's config file
/// (`--config`, else $VIGIL_CONFIG), else a settings file of the user's own
/// ($XDG_CONFIG_HOME/vigil/console.yaml, ~/.config when unset, holding the
/// section's keys alone), else /etc/vigil/vigil.yaml's section. None: the defaults.
enum ConsoleSettingsFile {
    static func load(explicit: String?) throws -> ConsoleSettings {
        let variable = ProcessInfo.processInfo.environment["VIGIL_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
        let shared = variable.map { ConfigLocation.path(environment: ["VIGIL_CONFIG": $0]) }  // `none`: no shared file
        let path = explicit ?? shared.map { $0 ?? userPath() } ?? userPath() ?? ConfigLocation.path(environment: [:])
        guard let path else { return ConsoleSettings() }
        do {
            let text = try ConfigLocation.read(path)
            if ConfigFile.hasSections(text) { return try ConfigLocation.load(path).console ?? ConsoleSettings() }
            switch ConsoleSettings.parse(text, file: path) {
            case .success(let settings): return settings
            case .failure(let problems): throw ValidationError(problems.description)
            }
        } catch let problems as ConfigProblems {
            throw ValidationError(problems.description)
        }
    }

    static func userPath() -> String? {
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.config")
        return ["console.yaml", "console.yml"].map { base + "/vigil/" + $0 }.first { FileManager.default.fileExists(atPath: $0) }
    }
}
