import Foundation
import VigilCore
import VigilRecovery

/// A list the API can give "since a cursor", with the cursor to ask with next.
public struct Page<Item: Codable & Sendable>: Codable, Sendable {
    public var cursor: UInt64
    public var items: [Item]
}

/// The API's answers, typed.
extension APIClient {
    /// Any JSON answer, decoded, with its raw bytes.
    public func fetch<T: Decodable>(_ path: String, as type: T.Type) async throws -> (T, Data) {
        let data = try await get(path)
        do {
            return (try JSONDecoder().decode(T.self, from: data), data)
        } catch {
            throw APIClientError.malformed(path, "\(error)")
        }
    }

    public func summary() async throws -> ClusterSummary { try await fetch("/v1/summary", as: ClusterSummary.self).0 }

    public func nodes(since cursor: UInt64 = 0) async throws -> Page<NodeSummary> {
        try await fetch("/v1/nodes?since=\(cursor)", as: Page<NodeSummary>.self).0
    }

    public func ranks(job: String? = nil, since cursor: UInt64 = 0) async throws -> Page<StoredRank> {
        try await fetch("/v1/ranks?since=\(cursor)" + (job.map { "&job=\($0)" } ?? ""), as: Page<StoredRank>.self).0
    }

    /// Checked before it is returned: columns that disagree are an error, not a crash.
    public func rankMap(job: String) async throws -> RankMap {
        let path = "/v1/rankmap?job=\(job)"
        let map = try await fetch(path, as: RankMap.self).0
        do { try map.validate() } catch { throw APIClientError.malformed(path, error.description) }
        return map
    }

    public func collectiveSummaries(job: String, seconds: Int = 30) async throws -> CollectiveSummaries {
        try await fetch("/v1/collectives/summary?job=\(job)&seconds=\(seconds)", as: CollectiveSummaries.self).0
    }

    /// A job's collectives, per rank, communicator and op.
    public func collectives(job: String) async throws -> [CollectiveTotal] {
        try await fetch("/v1/collectives?job=\(job)", as: [CollectiveTotal].self).0
    }

    /// A job's books, per rank: produced = stored + dropped.
    public func accounts(job: String) async throws -> [RankAccount] {
        try await fetch("/v1/accounts?job=\(job)", as: [RankAccount].self).0
    }

    public func links(job: String) async throws -> [LinkTotal] { try await fetch("/v1/links?job=\(job)", as: [LinkTotal].self).0 }

    public func probes(job: String) async throws -> [LinkProbe] { try await fetch("/v1/probes?job=\(job)", as: [LinkProbe].self).0 }

    public func events(after id: Int64) async throws -> [ClusterEvent] {
        try await fetch("/v1/events?after=\(id)", as: [ClusterEvent].self).0
    }

    public func incidents(job: String? = nil, limit: Int = 10_000) async throws -> [StoredIncident] {
        try await fetch("/v1/incidents?limit=\(limit)" + (job.map { "&job=\($0)" } ?? ""), as: [StoredIncident].self).0
    }

    public func runs(job: String? = nil) async throws -> [JobRun] {
        try await fetch("/v1/runs" + (job.map { "?job=\($0)" } ?? ""), as: [JobRun].self).0
    }

    /// Newest first, by level.
    public func checkpoints(job: String? = nil) async throws -> [StoredCheckpoint] {
        try await fetch("/v1/checkpoints" + (job.map { "?job=\($0)" } ?? ""), as: [StoredCheckpoint].self).0
    }

    /// Every shard of one checkpoint, by level then rank.
    public func shards(job: String, step: Int64) async throws -> [StoredShard] {
        try await fetch("/v1/checkpoints/shards?job=\(job)&step=\(step)", as: [StoredShard].self).0
    }

    /// What recovery decided and did, newest first.
    public func recoveries(job: String? = nil) async throws -> [StoredRecovery] {
        try await fetch("/v1/recoveries" + (job.map { "?job=\($0)" } ?? ""), as: [StoredRecovery].self).0
    }

    /// Each job's goodput (ETTR and lost time by cause).
    public func goodput(job: String? = nil) async throws -> [Goodput] {
        try await fetch("/v1/goodput" + (job.map { "?job=\($0)" } ?? ""), as: [Goodput].self).0
    }

    /// A change (it carries the shared token), its answer typed.
    public func change<T: Decodable>(_ path: String, token: [UInt8], as type: T.Type) async throws -> T {
        let data = try await post(path, token: token)
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw APIClientError.malformed(path, "\(error)")
        }
    }

    /// Which backend starts the server's jobs ("ssh", "slurm").
    public func backend() async throws -> String {
        try await fetch("/v1/health", as: [String: String].self).0["backend"] ?? "ssh"
    }

    /// Start `spec` as its job's next attempt; answers once every rank
    /// registered, mpirun ended, or `startTimeout` seconds passed.
    public func launch(_ spec: RunSpec, startTimeout: Int, token: [UInt8]) async throws -> (LaunchOutcome, Data) {
        let path = "/v1/jobs?start-timeout=\(startTimeout)"
        let data = try await post(path, token: token, body: Array(try JSONEncoder().encode(spec)))
        return (try Self.decode(LaunchOutcome.self, data, path), data)
    }

    /// Stop `job`'s latest attempt everywhere; the attempt as stopped.
    public func stop(job: String, grace: Int, token: [UInt8]) async throws -> (JobRun, Data) {
        let path = "/v1/jobs/stop?job=\(job)&grace=\(grace)"
        let data = try await post(path, token: token)
        return (try Self.decode(JobRun.self, data, path), data)
    }

    /// Restart `job` without `excluded` (its plan alone with `dryRun`).
    public func restart(job: String, excluding excluded: [String], dryRun: Bool,
                        token: [UInt8]) async throws -> (StoredRecovery, Data) {
        var path = "/v1/jobs/restart?job=\(job)"
        if !excluded.isEmpty { path += "&exclude=" + excluded.joined(separator: ",") }
        if dryRun { path += "&dry-run=1" }
        let data = try await post(path, token: token)
        return (try Self.decode(StoredRecovery.self, data, path), data)
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ data: Data, _ path: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw APIClientError.malformed(path, "\(error)")
        }
    }

    /// Carry out recovery `id`'s plan, awaiting approval.
    public func approveRecovery(_ id: Int64, token: [UInt8]) async throws -> StoredRecovery {
        try await change("/v1/recoveries/approve?id=\(id)", token: token, as: StoredRecovery.self)
    }

    /// Pin (or unpin) a checkpoint.
    public func setPinned(job: String, step: Int64, _ pinned: Bool, token: [UInt8]) async throws -> CheckpointPin {
        try await change("/v1/checkpoints/\(pinned ? "pin" : "unpin")?job=\(job)&step=\(step)", token: token, as: CheckpointPin.self)
    }

    public func setCordoned(_ node: String, _ cordoned: Bool, token: [UInt8]) async throws -> CordonChange {
        try await change("/v1/nodes/\(node)/\(cordoned ? "cordon" : "uncordon")", token: token, as: CordonChange.self)
    }

    /// Write a note on the timeline; the event as stored.
    public func addNote(_ note: OperatorNote, token: [UInt8]) async throws -> ClusterEvent {
        var query = "text=" + Self.formEncoded(note.text)
        if let job = note.job { query += "&job=\(job)" }
        if let node = note.node { query += "&node=\(node)" }
        return try await change("/v1/notes?" + query, token: token, as: ClusterEvent.self)
    }

    /// Every byte but unreserved ones percent-encoded (a '+' too: the server reads '+' as a space).
    static func formEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
    }
}
