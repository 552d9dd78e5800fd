import ArgumentParser
import Foundation
import VigilConfig

/// `vigil config check FILE`
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "The configuration file (docs/configuration.md).",
        subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Check a config file: every mistake with its file, line and reason; exit status 1 if any.")

        @Argument(help: "The file.") var file: String

        func run() throws {
            let problems: [ConfigProblem]
            do {
                let (config, found) = ConfigFile.parse(try ConfigLocation.read(file), file: file)
                problems = (found + Self.flagProblems(config, "server", ServerCommand.Run.self)
                    + Self.flagProblems(config, "agent", AgentCommand.Run.self)).sorted { ($0.line ?? 0) < ($1.line ?? 0) }
            } catch {
                problems = error.all
            }
            guard problems.isEmpty else {
                FileHandle.standardError.write(Data((problems.map(\.description).joined(separator: "\n") + "\n").utf8))
                throw ExitCode(1)
            }
            print("\(file): ok")
        }

        /// The section's flags as its command parses them. Each error is put
        /// on the line of the flag it names (else the section's), that flag is
        /// set aside and the rest parsed again, so every bad flag is reported.
        static func flagProblems(_ config: ConfigFile, _ section: String, _ command: any ParsableCommand.Type) -> [ConfigProblem] {
            var entries = config.sections[section] ?? []
            var problems: [ConfigProblem] = []
            while true {
                do {
                    _ = try command.parse(entries.flatMap(\.arguments))
                    return problems
                } catch {
                    let message = command.message(for: error)
                    let named = entries.indices.filter { message.contains("--" + entries[$0].key) }
                        .max { entries[$0].key.count < entries[$1].key.count }
                    let line = named.map { entries[$0].line } ?? config.sectionLines[section]
                    problems.append(ConfigProblem(file: config.file, line: line, message: "\(section): \(message)"))
                    guard let named else { return problems }
                    entries.remove(at: named)
                }
            }
        }
    }
}
