/// A line someone writes on the cluster's timeline: "draining node3 for a
/// DIMM swap", "fault drill: rank 3 stopped". It goes on the timeline as a
/// `note` event, and consoles show the newest one over every view for a
/// while, so whoever watches sees it as it happens.
public struct OperatorNote: Sendable, Equatable, Codable {
    public static let kind = "note"
    public static let maxLength = 200

    public var text: String
    public var job: String?
    public var node: String?

    /// Checked: text of 1 to `maxLength` printable characters (no control
    /// characters: a console draws it), job and node safe names when given.
    public init(text: String, job: String? = nil, node: String? = nil) throws(NoteError) {
        let trimmed = String(Substring(text).trimmingWhitespace)
        guard !trimmed.isEmpty else { throw .emptyText }
        guard trimmed.count <= Self.maxLength else { throw .tooLong(trimmed.count) }
        guard !trimmed.unicodeScalars.contains(where: Self.isControl) else { throw .controlCharacter }
        for (what, name) in [("job", job), ("node", node)] {
            if let name, !SafeName.isValid(name) { throw .badName(what) }
        }
        self.text = trimmed
        self.job = job
        self.node = node
    }

    /// C0, DEL and C1: what would move a terminal's cursor or change its state.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
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
        case .controlCharacter: "a note is one line of printable text (no tabs, newlines or escape sequences)"
        case .badName(let what): "\(what) must be \(SafeName.rule)"
        }
    }
}
