/// The `/` filter: a case-insensitive regular expression over a row's text;
/// a leading `!` keeps the rows that do not match.
public struct RowFilter: Sendable, Equatable {
    public var pattern: String
    public var inverted: Bool

    /// Parses what was typed after `/`; nil for nothing (no filter).
    public init?(_ typed: String) {
        let inverted = typed.hasPrefix("!")
        let pattern = inverted ? String(typed.dropFirst()) : typed
        guard !pattern.isEmpty else { return nil }
        self.pattern = pattern
        self.inverted = inverted
    }

    /// What the prompt shows to edit it again.
    public var typed: String { (inverted ? "!" : "") + pattern }

    /// A matcher, or the reason the pattern is not a regular expression.
    public func matcher() -> Result<@Sendable (String) -> Bool, RowFilterError> {
        do {
            let regex = try Regex(pattern).ignoresCase()
            let inverted = inverted
            nonisolated(unsafe) let compiled = regex
            return .success { text in (text.contains(compiled)) != inverted }
        } catch {
            return .failure(RowFilterError(pattern: pattern, reason: "\(error)"))
        }
    }

    /// `text` as a pattern matching itself.
    public static func escaped(_ text: String) -> String {
        var out = ""
        for c in text {
            if "\\^$.|?*+()[]{}".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }

    /// Whether the pattern compiles.
    public var isValid: Bool {
        if case .success = matcher() { return true }
        return false
    }
}

public struct RowFilterError: Error, Sendable, Equatable {
    public var pattern: String
    public var reason: String
}
