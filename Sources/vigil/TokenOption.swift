import ArgumentParser
import Foundation

/// The shared secret between agents and server: from a file (first line)
/// or $VIGIL_TOKEN. Never from the command line, where `ps` would show it.
struct TokenOption: ParsableArguments {
    @Option(help: ArgumentHelp("File holding the shared token (default: $VIGIL_TOKEN).", valueName: "path"))
    var tokenFile: String?

    func load() throws -> [UInt8] {
        let text: String
        if let tokenFile {
            do {
                text = try String(contentsOfFile: tokenFile, encoding: .utf8)
            } catch {
                throw ValidationError("cannot read --token-file \(tokenFile): \(error.localizedDescription)")
            }
        } else if let env = ProcessInfo.processInfo.environment["VIGIL_TOKEN"] {
            text = env
        } else {
            throw ValidationError("no token: give --token-file or set VIGIL_TOKEN")
        }
        let token = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        guard !token.isEmpty, token.utf8.count <= 256 else { throw ValidationError("the token must be 1-256 bytes") }
        return Array(token.utf8)
    }
}

/// Where vigil keeps state: $XDG_STATE_HOME/vigil, else ~/.local/state/vigil.
enum StateDirectory {
    static func path(_ name: String) throws -> String {
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() + "/.local/state")
        let directory = base + "/vigil"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory + "/" + name
    }

    static func defaultStorePath() throws -> String { try path("vigil.sqlite") }
}
