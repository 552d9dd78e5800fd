import ArgumentParser
import Foundation
import VigilConsole

/// The console's settings file: `--config`, else $XDG_CONFIG_HOME/vigil/console.yaml
/// (~/.config when unset), or console.yml. No file: the defaults.
enum ConsoleSettingsFile {
    static func load(explicit: String?) throws -> ConsoleSettings {
        guard let path = explicit ?? defaultPath() else { return ConsoleSettings() }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ValidationError("cannot read \(path): \(error.localizedDescription)")
        }
        switch ConsoleSettings.parse(text, file: path) {
        case .success(let settings): return settings
        case .failure(let problems): throw ValidationError(problems.description)
        }
    }

    static func defaultPath() -> String? {
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.config")
        return ["console.yaml", "console.yml"].map { base + "/vigil/" + $0 }.first { FileManager.default.fileExists(atPath: $0) }
    }
}
