/// What a client can ask the read API, parsed from method and URI.
///
///     GET /v1/health
///     GET /v1/nodes[?since=NS]        changed since a cursor (last-seen ns)
///     GET /v1/ranks[?since=NS]        changed since a cursor (updated ns)
///     GET /v1/collectives?job=JOB     totals per rank, communicator, op
///     GET /v1/accounts?job=JOB        produced / stored / dropped per rank
///     GET /v1/arrivals?job=JOB        who arrives last, per communicator
public enum APIRequest: Equatable, Sendable {
    case health
    case nodes(since: UInt64)
    case ranks(since: UInt64)
    case collectives(job: String)
    case accounts(job: String)
    case arrivals(job: String)

    public init(method: String, uri: String) throws(APIError) {
        guard method == "GET" else { throw .methodNotAllowed(method) }
        let (path, query) = Self.split(uri)
        switch path {
        case "/v1/health": self = .health
        case "/v1/nodes": self = .nodes(since: try Self.cursor(query))
        case "/v1/ranks": self = .ranks(since: try Self.cursor(query))
        case "/v1/collectives": self = .collectives(job: try Self.job(query))
        case "/v1/accounts": self = .accounts(job: try Self.job(query))
        case "/v1/arrivals": self = .arrivals(job: try Self.job(query))
        default: throw .notFound(String(path.prefix(128)))
        }
    }

    private static func split(_ uri: String) -> (Substring, [Substring: Substring]) {
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var query: [Substring: Substring] = [:]
        for pair in parts.count > 1 ? parts[1].split(separator: "&") : [] {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            query[kv[0]] = kv.count > 1 ? kv[1] : ""
        }
        return (parts[0], query)
    }

    private static func cursor(_ query: [Substring: Substring]) throws(APIError) -> UInt64 {
        guard let text = query["since"] else { return 0 }
        guard let value = UInt64(text) else { throw .badRequest("since must be a non-negative integer (ns)") }
        return value
    }

    private static func job(_ query: [Substring: Substring]) throws(APIError) -> String {
        guard let job = query["job"], !job.isEmpty else { throw .badRequest("job is required") }
        guard job.utf8.count <= 63, job.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != 0x25 }) else {
            throw .badRequest("job must be 1-63 printable characters")
        }
        return String(job)
    }
}

public enum APIError: Error, Equatable, CustomStringConvertible {
    case notFound(String)
    case methodNotAllowed(String)
    case badRequest(String)

    public var status: Int {
        switch self {
        case .notFound: 404
        case .methodNotAllowed: 405
        case .badRequest: 400
        }
    }

    public var description: String {
        switch self {
        case .notFound(let path): "no such resource: \(path)"
        case .methodNotAllowed(let method): "\(method.prefix(16)) not allowed: the API is read-only (GET)"
        case .badRequest(let why): why
        }
    }
}
