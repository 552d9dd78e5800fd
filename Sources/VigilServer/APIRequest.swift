import Foundation
import VigilCore

/// What a client can ask the API, parsed from method and URI. Reads are
/// open to whoever reaches the API; changes need the shared token
/// (`Authorization: Bearer TOKEN`).
///
///     GET /v1/health
///     GET /metrics                    Prometheus text format (docs/operations.md)
///     GET /v1/summary                 the cluster at a glance: jobs, nodes, ingest (cached 1 s)
///     GET /v1/nodes[?since=NS]        changed since a cursor (last-seen ns)
///     GET /v1/ranks[?job=JOB][&since=NS]  changed since a cursor (updated ns)
///     GET /v1/rankmap?job=JOB         every rank of a job by node: state, time blocked, compute gap (columns)
///     GET /v1/collectives?job=JOB     totals per rank, communicator, op
///     GET /v1/collectives/summary?job=JOB[&seconds=S]  per communicator and op over the last S seconds (30)
///     GET /v1/probes?job=JOB          the latest link probe of each node pair
///     GET /v1/accounts?job=JOB        produced / stored / dropped per rank
///     GET /v1/arrivals?job=JOB        who arrives last, per communicator
///     GET /v1/runs[?job=JOB]          job attempts: hosts, state, exit, output tails
///     GET /v1/links?job=JOB[&since=NS] the node × node link matrix of a job's point-to-point traffic
///     GET /v1/events[?after=ID]       the cluster's timeline, oldest first (1,000 at a time)
///     GET /v1/incidents[?job=JOB][&limit=N]  newest first
///     GET /v1/checkpoints[?job=JOB]   newest first
///     GET /v1/checkpoints/shards?job=JOB&step=N   one checkpoint's shards, by level and rank
///     GET /v1/recoveries[?job=JOB]    what recovery decided and did, newest first (docs/recovery.md)
///     GET /v1/goodput[?job=JOB]       per job: ETTR, productive time and lost time by cause
///     POST /v1/recoveries/approve?id=N           carry out a plan awaiting approval
///     POST /v1/jobs[?start-timeout=S]  start a job's next attempt; the body is its run spec (JSON, docs/launch.md)
///     POST /v1/jobs/stop?job=JOB[&grace=S]   stop the latest attempt everywhere, confirmed
///     POST /v1/jobs/restart?job=JOB[&exclude=NODE,…][&dry-run=1]  restart the latest attempt, those nodes replaced
///     POST /v1/nodes/NODE/cordon      no launch chooses NODE
///     POST /v1/nodes/NODE/uncordon
///     POST /v1/checkpoints/pin?job=JOB&step=N     retention never removes it
///     POST /v1/checkpoints/unpin?job=JOB&step=N
///     POST /v1/notes?text=TEXT[&job=JOB][&node=NODE]  a note on the timeline (TEXT percent-encoded)
public enum APIRequest: Equatable, Sendable {
    case health
    case metrics
    case summary
    case nodes(since: UInt64)
    case ranks(job: String?, since: UInt64)
    case rankMap(job: String)
    case collectives(job: String)
    case collectiveSummaries(job: String, seconds: Int)
    case probes(job: String)
    case accounts(job: String)
    case arrivals(job: String)
    case runs(job: String?)
    case links(job: String, since: UInt64)
    case events(after: Int64)
    case incidents(job: String?, limit: Int)
    case checkpoints(job: String?)
    case shards(job: String, step: Int64)
    case recoveries(job: String?)
    case goodput(job: String?)
    case approve(id: Int64)
    case launch(RunSpec, startTimeoutNs: UInt64)
    case stop(job: String, graceNs: UInt64)
    case restart(job: String, exclude: [String], dryRun: Bool)
    case cordon(node: String, cordoned: Bool)
    case pin(job: String, step: Int64, pinned: Bool)
    case note(OperatorNote)

    /// Changes the server's state: only with the token.
    public var needsToken: Bool {
        switch self {
        case .cordon, .pin, .approve, .launch, .stop, .restart, .note: true
        default: false
        }
    }

    public init(method: String, uri: String, body: [UInt8] = []) throws(APIError) {
        let (path, query) = Self.split(uri)
        if method == "POST", let job = try Self.jobChange(path, query, body) {
            self = job
            return
        }
        if method == "POST" {
            if path == "/v1/checkpoints/pin" || path == "/v1/checkpoints/unpin" {
                self = .pin(job: try Self.job(query), step: try Self.step(query), pinned: path.hasSuffix("/pin"))
                return
            }
            if path == "/v1/notes" {
                self = .note(try Self.note(query))
                return
            }
            if path == "/v1/recoveries/approve" {
                guard let id = query["id"].flatMap({ Int64($0) }), id > 0 else { throw .badRequest("id must be a recovery's number") }
                self = .approve(id: id)
                return
            }
            guard path.hasPrefix("/v1/nodes/") else { throw .methodNotAllowed(method) }
            self = try Self.change(path)
            return
        }
        guard method == "GET" else { throw .methodNotAllowed(method) }
        switch path {
        case "/v1/health": self = .health
        case "/metrics": self = .metrics
        case "/v1/summary": self = .summary
        case "/v1/rankmap": self = .rankMap(job: try Self.job(query))
        case "/v1/collectives/summary":
            self = .collectiveSummaries(job: try Self.job(query), seconds: try Self.number(query, "seconds", default: 30, in: 1...3_600))
        case "/v1/probes": self = .probes(job: try Self.job(query))
        case "/v1/nodes": self = .nodes(since: try Self.cursor(query))
        case "/v1/ranks": self = .ranks(job: try Self.optionalJob(query), since: try Self.cursor(query))
        case "/v1/collectives": self = .collectives(job: try Self.job(query))
        case "/v1/accounts": self = .accounts(job: try Self.job(query))
        case "/v1/arrivals": self = .arrivals(job: try Self.job(query))
        case "/v1/runs": self = .runs(job: try Self.optionalJob(query))
        case "/v1/links": self = .links(job: try Self.job(query), since: try Self.cursor(query))
        case "/v1/events":
            guard let after = Int64(query["after"] ?? "0"), after >= 0 else {
                throw .badRequest("after must be a non-negative event id")
            }
            self = .events(after: after)
        case "/v1/incidents":
            self = .incidents(job: try Self.optionalJob(query),
                              limit: try Self.number(query, "limit", default: 10_000, in: 1...10_000))
        case "/v1/checkpoints": self = .checkpoints(job: try Self.optionalJob(query))
        case "/v1/recoveries": self = .recoveries(job: try Self.optionalJob(query))
        case "/v1/goodput": self = .goodput(job: try Self.optionalJob(query))
        case "/v1/checkpoints/shards": self = .shards(job: try Self.job(query), step: try Self.step(query))
        default: throw .notFound(String(path.prefix(128)))
        }
    }

    /// A launch, stop or restart; nil for any other path.
    private static func jobChange(_ path: Substring, _ query: [Substring: Substring],
                                  _ body: [UInt8]) throws(APIError) -> APIRequest? {
        switch path {
        case "/v1/jobs":
            let timeout = try number(query, "start-timeout", default: 120, in: 1...3_600)
            return .launch(try runSpec(body), startTimeoutNs: UInt64(timeout) * 1_000_000_000)
        case "/v1/jobs/stop":
            let grace = try number(query, "grace", default: 10, in: 0...3_600)
            return .stop(job: try job(query), graceNs: UInt64(grace) * 1_000_000_000)
        case "/v1/jobs/restart":
            let exclude = (query["exclude"] ?? "").split(separator: ",").map(String.init)
            guard exclude.allSatisfy({ SafeName.isValid($0) }) else { throw .badRequest("exclude must be nodes, each \(SafeName.rule)") }
            guard ["", "0", "1"].contains(query["dry-run"] ?? "") else { throw .badRequest("dry-run must be 0 or 1") }
            return .restart(job: try job(query), exclude: exclude, dryRun: query["dry-run"].map { $0 != "0" } ?? false)
        default:
            return nil
        }
    }

    /// A launch's body: the run spec, checked whole before anything starts (its attempt is the server's to number).
    private static func runSpec(_ body: [UInt8]) throws(APIError) -> RunSpec {
        let spec: RunSpec
        do {
            spec = try JSONDecoder().decode(RunSpec.self, from: Data(body))
        } catch {
            throw .badRequest("the body must be a run spec (JSON): \(error)")
        }
        do {
            try spec.validate()
        } catch {
            throw .badRequest(error.description)
        }
        return spec
    }

    private static func change(_ path: Substring) throws(APIError) -> APIRequest {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0].isEmpty, parts[1] == "v1", parts[2] == "nodes",
              parts[4] == "cordon" || parts[4] == "uncordon" else {
            throw .notFound(String(path.prefix(128)))
        }
        guard SafeName.isValid(parts[3]) else { throw .badRequest("node must be \(SafeName.rule)") }
        return .cordon(node: String(parts[3]), cordoned: parts[4] == "cordon")
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

    private static func note(_ query: [Substring: Substring]) throws(APIError) -> OperatorNote {
        // Form encoding: '+' is a space, a literal plus comes as %2B.
        guard let text = query["text"].map({ $0.replacingOccurrences(of: "+", with: " ") }) else {
            throw .badRequest("text is required")
        }
        guard let decoded = text.removingPercentEncoding else { throw .badRequest("text must be percent-encoded UTF-8") }
        do {
            return try OperatorNote(text: decoded, job: query["job"].map(String.init), node: query["node"].map(String.init))
        } catch {
            throw .badRequest(error.description)
        }
    }

    private static func cursor(_ query: [Substring: Substring]) throws(APIError) -> UInt64 {
        guard let text = query["since"] else { return 0 }
        guard let value = UInt64(text) else { throw .badRequest("since must be a non-negative integer (ns)") }
        return value
    }

    private static func number(_ query: [Substring: Substring], _ name: Substring, default value: Int,
                               in range: ClosedRange<Int>) throws(APIError) -> Int {
        guard let text = query[name] else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw .badRequest("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    private static func step(_ query: [Substring: Substring]) throws(APIError) -> Int64 {
        guard let step = query["step"].flatMap({ Int64($0) }), step >= 0 else {
            throw .badRequest("step must be a non-negative integer")
        }
        return step
    }

    private static func optionalJob(_ query: [Substring: Substring]) throws(APIError) -> String? {
        query["job"] == nil ? nil : try job(query)
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
    case unauthorized
    /// Refused as things stand (a job still running, a cordoned host).
    case conflict(String)
    /// What carries out the change (the agents, Slurm) could not.
    case unavailable(String)

    public var status: Int {
        switch self {
        case .notFound: 404
        case .methodNotAllowed: 405
        case .badRequest: 400
        case .unauthorized: 401
        case .conflict: 409
        case .unavailable: 503
        }
    }

    public var description: String {
        switch self {
        case .notFound(let path): "no such resource: \(path)"
        case .methodNotAllowed(let method): "\(method.prefix(16)) not allowed: reads are GET, changes POST"
        case .badRequest(let why): why
        case .unauthorized: "this changes the cluster: send the shared token (Authorization: Bearer TOKEN)"
        case .conflict(let why), .unavailable(let why): why
        }
    }
}
