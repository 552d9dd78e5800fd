/// The reason Vigil gives a node it drains: `vigil: <class> incident <id>`
/// (an operator's cordon through Vigil: `vigil: operator-cordon`), which
/// `sinfo -R` shows operators and tools can parse. Vigil resumes only
/// nodes drained with such a reason; an admin's drain is left alone.
public struct SlurmDrainReason: Sendable, Equatable {
    public var incidentClass: String
    /// The stored incident's number; nil for an operator's cordon.
    public var incident: String?

    static let prefix = "vigil: "

    /// An operator's `vigil cordon`.
    public static let operatorCordon = SlurmDrainReason(incidentClass: "operator-cordon", incident: nil)

    public init(incidentClass: String, incident: String?) {
        self.incidentClass = incidentClass
        self.incident = incident
    }

    /// nil for a reason Vigil did not write.
    public init?(parsing reason: String) {
        guard reason.hasPrefix(Self.prefix) else { return nil }
        let words = reason.dropFirst(Self.prefix.count).split(separator: " ", omittingEmptySubsequences: false)
        switch words.count {
        case 1 where Self.isWord(words[0]): (incidentClass, incident) = (String(words[0]), nil)
        case 3 where words[1] == "incident" && Self.isWord(words[0]) && Self.isWord(words[2]):
            (incidentClass, incident) = (String(words[0]), String(words[2]))
        default: return nil
        }
    }

    /// The text for `scontrol update ... Reason=`; nil when a part is not a plain word.
    public var text: String? {
        guard Self.isWord(incidentClass) else { return nil }
        guard let incident else { return Self.prefix + incidentClass }
        return Self.isWord(incident) ? "\(Self.prefix)\(incidentClass) incident \(incident)" : nil
    }

    /// Letters, digits, `-`, `_`, `.`: nothing a parser or a shell reads twice.
    static func isWord<S: StringProtocol>(_ word: S) -> Bool {
        !word.isEmpty && word.utf8.count <= 64 && word.utf8.allSatisfy { c in
            c == 0x2D || c == 0x5F || c == 0x2E || (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A)
        }
    }
}
