/// A request on the agent's Unix socket: one line of text.
///
///     HELLO 1 pid=<pid> rank=<rank> size=<size> job=<job> host=<host> [attempt=<n>]
///     RANKS
///     RECORDS
///
/// The full protocol is in docs/telemetry.md.
public enum AgentRequest: Sendable, Equatable {
    /// A rank registering itself (protocol version 1).
    case hello(RankIdentity)
    /// A client asking for the local ranks' state (answered with JSON).
    case ranks
    /// A client asking for every rank's flight recorder (answered with JSON).
    case records
    /// Any line on the socket (a rank's checkpoint lines carry paths); longer is refused unread.
    public static let maxLineBytes = 65_536
    public static let protocolVersion = 1

    public init(line: String) throws(AgentRequestError) {
        let words = line.split(separator: " ", omittingEmptySubsequences: true)
        guard let verb = words.first else { throw .empty }
        switch verb {
        case "RANKS", "RECORDS":
            guard words.count == 1 else { throw .malformed("\(verb) takes no arguments") }
            self = verb == "RANKS" ? .ranks : .records
        case "HELLO":
            self = .hello(try Self.parseHello(words.dropFirst()))
        default:
            throw .unknownVerb(String(verb.prefix(32)))
        }
    }

    private static func fields(_ words: ArraySlice<Substring>) throws(AgentRequestError) -> [Substring: Substring] {
        var fields: [Substring: Substring] = [:]
        for word in words {
            guard let eq = word.firstIndex(of: "="), eq != word.startIndex else {
                throw .malformed("expected key=value, got '\(word.prefix(32))'")
            }
            let key = word[..<eq]
            guard fields[key] == nil else { throw .malformed("duplicate field \(key)") }
            fields[key] = word[word.index(after: eq)...]
        }
        return fields
    }

    private static func parseHello(_ words: ArraySlice<Substring>) throws(AgentRequestError) -> RankIdentity {
        guard let version = words.first else { throw .malformed("HELLO needs a protocol version") }
        guard version == "\(protocolVersion)" else { throw .unsupportedVersion(String(version.prefix(16))) }
        let fields = try fields(words.dropFirst())
        let pid = try integer(fields, "pid", in: 1...Int(Int32.max))
        let size = try integer(fields, "size", in: 1...(1 << 24))
        let rank = try integer(fields, "rank", in: 0...(size - 1))
        let job = try name(fields, "job")
        let host = try name(fields, "host")
        // A libvigil from before attempts were carried says none: attempt 1.
        let attempt = fields["attempt"] == nil ? 1 : try integer(fields, "attempt", in: RankIdentity.attempts)
        let known: Set<Substring> = ["pid", "rank", "size", "job", "host", "attempt"]
        if let extra = fields.keys.first(where: { !known.contains($0) }) {
            throw .malformed("unknown field \(extra.prefix(32))")
        }
        return RankIdentity(job: job, rank: rank, worldSize: size, pid: Int32(pid), host: host, attempt: attempt)
    }

    private static func integer(_ fields: [Substring: Substring], _ key: String,
                                in range: ClosedRange<Int>) throws(AgentRequestError) -> Int {
        guard let text = fields[Substring(key)] else { throw .malformed("missing field \(key)") }
        guard let value = Int(text), range.contains(value) else {
            throw .malformed("\(key)=\(text.prefix(32)) is not in \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    /// Job ids and host names end up in file names.
    private static func name(_ fields: [Substring: Substring], _ key: String) throws(AgentRequestError) -> String {
        guard let text = fields[Substring(key)] else { throw .malformed("missing field \(key)") }
        guard SafeName.isValid(text) else { throw .malformed("\(key) must be \(SafeName.rule)") }
        return String(text)
    }
}

public enum AgentRequestError: Error, Equatable, CustomStringConvertible {
    case empty
    case unknownVerb(String)
    case unsupportedVersion(String)
    case malformed(String)
    case tooLong

    public var description: String {
        switch self {
        case .empty: "empty request"
        case .unknownVerb(let verb): "unknown request '\(verb)' (expected HELLO, RANKS or RECORDS)"
        case .unsupportedVersion(let v): "unsupported protocol version \(v) (agent speaks \(AgentRequest.protocolVersion))"
        case .malformed(let why): "malformed request: \(why)"
        case .tooLong: "request longer than \(AgentRequest.maxLineBytes) bytes"
        }
    }
}
