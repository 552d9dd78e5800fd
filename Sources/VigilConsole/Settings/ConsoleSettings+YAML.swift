import Yams

extension ConsoleSettings {
    /// A mistake in a settings file: where, and what is wrong.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var file: String
        public var line: Int?
        public var message: String

        public var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(message)" }
    }

    /// Every problem of a settings file, each with its line, rather than the first alone.
    public struct Problems: Error, Sendable, Equatable, CustomStringConvertible {
        public var all: [Problem]

        public var description: String { all.map(\.description).joined(separator: "\n") }
    }

    /// The settings `yaml` (the text of `file`) gives, over the defaults.
    public static func parse(_ yaml: String, file: String) -> Result<ConsoleSettings, Problems> {
        do {
            guard let root = try Yams.compose(yaml: yaml) else { return .success(ConsoleSettings()) }
            return parse(root, file: file)
        } catch let error as YamlError {
            return .failure(Problems(all: [Problem(file: file, line: error.line, message: error.reason)]))
        } catch {
            return .failure(Problems(all: [Problem(file: file, line: nil, message: "\(error)")]))
        }
    }

    /// The settings a YAML mapping gives (a settings file's root, or the `console:` section of vigil's config).
    public static func parse(_ root: Node, file: String) -> Result<ConsoleSettings, Problems> {
        var settings = ConsoleSettings()
        var problems: [Problem] = []
        func problem(_ node: Node?, _ message: String) {
            problems.append(Problem(file: file, line: node?.mark?.line, message: message))
        }
        guard let mapping = root.mapping else {
            problem(root, "expected keys (refresh, theme, api, columns), found \(root.kind)")
            return .failure(Problems(all: problems))
        }
        for (key, value) in mapping {
            switch key.string {
            case "refresh":
                if let seconds = value.float, refreshRange.contains(seconds) {
                    settings.refreshSeconds = seconds
                } else {
                    problem(value, "refresh must be seconds from \(refreshRange.lowerBound) to \(refreshRange.upperBound), not '\(value.string ?? "")'")
                }
            case "theme":
                if let theme = value.string.flatMap(Theme.init(rawValue:)) {
                    settings.theme = theme
                } else {
                    problem(value, "theme must be one of \(Theme.allCases.map(\.rawValue).joined(separator: ", ")), not '\(value.string ?? "")'")
                }
            case "api":
                if let api = value.string, api.contains(":") { settings.api = api } else { problem(value, "api must be HOST:PORT") }
            case "columns":
                settings.columns = columns(value, problem: problem)
            default:
                problem(key, "unknown key '\(key.string ?? "")' (known: refresh, theme, api, columns)")
            }
        }
        return problems.isEmpty ? .success(settings) : .failure(Problems(all: problems))
    }

    private static func columns(_ node: Node, problem: (Node?, String) -> Void) -> [ViewID: [String]] {
        guard let mapping = node.mapping else {
            problem(node, "columns must map a view to its column titles, e.g. nodes: [NODE, STATE, CPU]")
            return [:]
        }
        var out: [ViewID: [String]] = [:]
        for (key, value) in mapping {
            guard let view = key.string.flatMap(ViewID.init(rawValue:)), let known = ColumnChoice.titles[view] else {
                problem(key, "no table view '\(key.string ?? "")' (views: \(ColumnChoice.titles.keys.map(\.rawValue).sorted().joined(separator: ", ")))")
                continue
            }
            guard let titles = value.sequence?.map({ $0.string ?? "" }), !titles.isEmpty else {
                problem(value, "columns of \(view.rawValue) must be a list of titles")
                continue
            }
            let unknown = titles.filter { !known.contains($0) }
            guard unknown.isEmpty else {
                problem(value, "\(view.rawValue) has no column \(unknown.joined(separator: ", ")) (it has: \(known.joined(separator: ", ")))")
                continue
            }
            out[view] = titles
        }
        return out
    }
}

extension Node {
    /// What a node is, for a person: "a value", "a list", "a mapping".
    public var kind: String {
        switch self {
        case .scalar: "a value"
        case .sequence: "a list"
        case .mapping: "a mapping"
        case .alias: "an alias"
        }
    }
}

extension YamlError {
    public var line: Int? {
        switch self {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        default: nil
        }
    }

    public var reason: String {
        switch self {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _),
             .composer(let context, let problem, _, _):
            "not YAML: " + (context.map { "\($0.text) " } ?? "") + problem
        default: "not YAML: \(self)"
        }
    }
}
