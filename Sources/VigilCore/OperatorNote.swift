/// A line someone writes on the cluster's timeline: "draining node3 for a
/// DIMM swap", "fault drill: rank 3 stopped". It goes on the timeline as a
/// `note` event, and consoles show the newest one over every view for a
/// while, so whoever watches sees it as it happens.
public struct OperatorNote: Sendable, Equatable {
    public static let kind = "note"
    public static let maxLength = 200

    public var text: String
    public var job: String?
    public var node: String?

    /// Checked: text of 1 to `maxLength` printable characters, white space
    /// around it trimmed (a console draws it: no control characters, no
    /// invisible formatting such as bidi overrides), job and node safe names
    /// when given.
    public init(text: String, job: String? = nil, node: String? = nil) throws(NoteError) {
        let scalars = text.unicodeScalars
        let start = scalars.firstIndex { !$0.properties.isWhitespace } ?? scalars.endIndex
        let end = scalars.lastIndex { !$0.properties.isWhitespace }.map(scalars.index(after:)) ?? start
        let trimmed = String(scalars[start..<max(start, end)])
        guard !trimmed.isEmpty else { throw .emptyText }
        guard trimmed.count <= Self.maxLength else { throw .tooLong(trimmed.count) }
        guard !trimmed.unicodeScalars.contains(where: Self.isUnprintable) else { throw .controlCharacter }
        for (what, name) in [("job", job), ("node", node)] {
            if let name, !SafeName.isValid(name) { throw .badName(what) }
        }
        self.text = trimmed
        self.job = job
        self.node = node
    }

    /// Controls (C0, DEL, C1: they move a terminal's cursor or change its
    /// state) and invisible formatting (bidi overrides, zero-width marks,
    /// line separators: drawn as nothing, they shift or disguise the row).
    private static func isUnprintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }
}

public enum NoteError: Error, Equatable, CustomStringConvertible {
    case emptyText
    case tooLong(Int)
    case controlCharacter
    case badName(String)

    public var description: String {
        switch self {
        case .emptyText: "a note needs text"
        case .tooLong(let count): "a note is at most \(OperatorNote.maxLength) characters (this one is \(count))"
        case .controlCharacter: "a note is one line of printable text (no tabs, newlines, escape sequences or invisible formatting)"
        case .badName(let what): "\(what) must be \(SafeName.rule)"
        }
    }
}
