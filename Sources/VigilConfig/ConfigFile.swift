import VigilConsole
import Yams

/// Vigil's one configuration file (docs/configuration.md): a YAML mapping
/// with a section per program. `server:` and `agent:` hold the long flags
/// of `vigil server run` and `vigil agent run` without their dashes;
/// `console:` holds `vigil top`'s settings. Parsing keeps every entry's
/// line, so that a mistake found later still names where it is.
public struct ConfigFile: Sendable {
    /// One `key: value` of a flag section, as the flags it stands for.
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var arguments: [String]
        public var line: Int

        public init(key: String, arguments: [String], line: Int) {
            self.key = key
            self.arguments = arguments
            self.line = line
        }
    }

    public static let flagSections = ["server", "agent"]

    public var file: String
    public var sections: [String: [Entry]] = [:]
    public var sectionLines: [String: Int] = [:]
    public var console: ConsoleSettings?

    /// The file's entries and every problem found, each with its line.
    public static func parse(_ text: String, file: String) -> (ConfigFile, [ConfigProblem]) {
        var config = ConfigFile(file: file)
        let root: Node
        do {
            guard let composed = try Yams.compose(yaml: text) else { return (config, []) }
            root = composed
        } catch let error as YamlError {
            return (config, [ConfigProblem(file: file, line: error.line, message: error.reason)])
        } catch {
            return (config, [ConfigProblem(file: file, line: nil, message: "\(error)")])
        }
        guard let mapping = root.mapping else {
            return (config, [ConfigProblem(file: file, line: root.mark?.line, message: "expected sections (server, agent, console), found \(root.kind)")])
        }
        var problems: [ConfigProblem] = []
        for (key, value) in mapping {
            let name = key.string ?? ""
            let line = key.mark?.line
            if flagSections.contains(name) {
                config.sectionLines[name] = line
                config.sections[name] = entries(value, section: name, file: file, problems: &problems)
            } else if name == "console" {
                switch ConsoleSettings.parse(value, file: file) {
                case .success(let settings): config.console = settings
                case .failure(let found): problems += found.all.map { ConfigProblem(file: $0.file, line: $0.line, message: "console: " + $0.message) }
                }
            } else {
                problems.append(ConfigProblem(file: file, line: line, message: "unknown section '\(name)' (sections: server, agent, console)"))
            }
        }
        return (config, problems)
    }

    private static func entries(_ node: Node, section: String, file: String, problems: inout [ConfigProblem]) -> [Entry] {
        guard let mapping = node.mapping else {
            problems.append(ConfigProblem(file: file, line: node.mark?.line, message: "\(section) must map flags to values, found \(node.kind)"))
            return []
        }
        var out: [Entry] = []
        for (key, value) in mapping {
            let line = key.mark?.line ?? 0
            guard let name = key.string, isFlagName(name) else {
                problems.append(ConfigProblem(file: file, line: line, message: "\(section): '\(key.string ?? "")' is not a flag name (lower-case words joined by '-')"))
                continue
            }
            switch arguments(name, value) {
            case .success(let arguments): out.append(Entry(key: name, arguments: arguments, line: line))
            case .failure(let problem): problems.append(ConfigProblem(file: file, line: value.mark?.line ?? line, message: "\(section).\(name): \(problem.message)"))
            }
        }
        return out
    }

    /// `true` is the flag itself and `false` nothing; a list repeats the flag
    /// once per item. Only those two words are booleans: YAML 1.1's `off`
    /// and `no` stay values (`recovery: off`).
    private static func arguments(_ name: String, _ value: Node) -> Result<[String], ConfigProblem> {
        let flag = "--" + name
        switch value {
        case .scalar(let scalar):
            switch (scalar.style, scalar.string.lowercased()) {
            case (.plain, "true"): return .success([flag])
            case (.plain, "false"): return .success([])
            default: return .success([flag, scalar.string])
            }
        case .sequence(let items):
            var out: [String] = []
            for item in items {
                guard case .scalar(let scalar) = item else {
                    return .failure(ConfigProblem(file: "", line: item.mark?.line, message: "a list must hold plain values, found \(item.kind)"))
                }
                out += [flag, scalar.string]
            }
            return .success(out)
        default:
            return .failure(ConfigProblem(file: "", line: value.mark?.line, message: "expected a value or a list, found \(value.kind)"))
        }
    }

    /// Whether `text` is a config file with sections, not a console settings file of the older, sectionless form.
    public static func hasSections(_ text: String) -> Bool {
        guard let mapping = (try? Yams.compose(yaml: text))??.mapping else { return false }
        return mapping.keys.contains { ($0.string).map { flagSections.contains($0) || $0 == "console" } ?? false }
    }

    static func isFlagName(_ name: String) -> Bool {
        !name.isEmpty && name.first!.isLetter && name.allSatisfy { ($0.isLetter && $0.isLowercase) || $0.isNumber || $0 == "-" }
    }
}
