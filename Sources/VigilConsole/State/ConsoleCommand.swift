/// What `:` understands (k9s style): a view by name, a job, cordons, quit.
public enum ConsoleCommand: Sendable, Equatable {
    case quit
    case show(ViewID)
    case job(String)
    /// Nodes to cordon (true) or uncordon; none: the selection.
    case cordon([String], Bool)

    public struct ParseError: Error, Equatable {
        public var message: String
    }

    /// Command words, with the views' names and their short forms.
    static let words: [(word: String, meaning: Meaning)] = [
        ("q", .quit), ("quit", .quit),
        ("overview", .view(.overview)), ("ranks", .view(.ranks)), ("nodes", .view(.nodes)),
        ("collectives", .view(.collectives)), ("coll", .view(.collectives)), ("links", .view(.links)),
        ("incidents", .view(.incidents)), ("inc", .view(.incidents)), ("timeline", .view(.timeline)),
        ("events", .view(.timeline)), ("runs", .view(.runs)), ("logs", .view(.runs)), ("checkpoints", .view(.checkpoints)),
        ("recovery", .view(.recovery)), ("rec", .view(.recovery)), ("help", .view(.help)),
        ("job", .job), ("cordon", .cordon(true)), ("uncordon", .cordon(false)),
    ]

    /// What Tab completes to: the full words, not their short forms.
    static let completions = ["quit", "overview", "ranks", "nodes", "collectives", "links", "incidents", "timeline", "runs",
                              "checkpoints", "recovery", "help", "job", "cordon", "uncordon"]

    enum Meaning: Equatable {
        case quit, view(ViewID), job, cordon(Bool)
    }

    public static func parse(_ text: String) -> Result<ConsoleCommand, ParseError> {
        let parts = text.split(separator: " ").map(String.init)
        guard let word = parts.first else { return .failure(ParseError(message: "type a command, e.g. :nodes (Tab completes)")) }
        guard let meaning = words.first(where: { $0.word == word })?.meaning else {
            return .failure(ParseError(message: "unknown command :\(word) (:help lists them)"))
        }
        let arguments = Array(parts.dropFirst())
        switch meaning {
        case .quit: return .success(.quit)
        case .view(let view): return .success(.show(view))
        case .job:
            guard arguments.count == 1 else { return .failure(ParseError(message: ":job needs one job name")) }
            return .success(.job(arguments[0]))
        case .cordon(let cordoned):
            guard arguments.allSatisfy(Self.isNodeName) else {
                return .failure(ParseError(message: "node names are letters, digits, '.', '_' and '-'"))
            }
            return .success(.cordon(arguments, cordoned))
        }
    }

    /// `text` completed as far as it is unambiguous: command words first,
    /// then node names for cordons and job names for :job.
    public static func complete(_ text: String, model: ConsoleModel) -> String {
        let endsWithSpace = text.hasSuffix(" ")
        var parts = text.split(separator: " ").map(String.init)
        if parts.isEmpty { return text }
        if parts.count == 1 && !endsWithSpace {
            let choices = completions.filter { $0.hasPrefix(parts[0]) }
            return commonPrefix(choices, typed: parts[0]).map { $0 + (choices.count == 1 ? " " : "") } ?? text
        }
        let candidates: [String]
        switch words.first(where: { $0.word == parts[0] })?.meaning {
        case .cordon: candidates = model.nodes.map(\.name)
        case .job: candidates = model.jobNames
        default: return text
        }
        let typed = endsWithSpace ? "" : parts.removeLast()
        let choices = candidates.filter { $0.hasPrefix(typed) }
        guard let completed = commonPrefix(choices, typed: typed) else { return text }
        return (parts + [completed]).joined(separator: " ") + (choices.count == 1 ? " " : "")
    }

    private static func commonPrefix(_ choices: [String], typed: String) -> String? {
        guard var prefix = choices.first else { return nil }
        for choice in choices.dropFirst() {
            while !choice.hasPrefix(prefix) { prefix.removeLast() }
        }
        return prefix.count >= typed.count ? prefix : typed
    }

    static func isNodeName(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 63 && text.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D
        }
    }
}
