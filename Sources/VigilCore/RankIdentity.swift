/// Who a rank is: what it announced when it registered with its agent.
/// The attempt (from 1) tells a job's restarted ranks from those of the
/// attempt before: what the older attempt reports late is never taken for
/// the newer one's.
public struct RankIdentity: Sendable, Equatable, Hashable, Codable {
    public var job: String
    public var rank: Int
    public var worldSize: Int
    public var pid: Int32
    public var host: String
    public var attempt: Int

    public init(job: String, rank: Int, worldSize: Int, pid: Int32, host: String, attempt: Int = 1) {
        self.job = job
        self.rank = rank
        self.worldSize = worldSize
        self.pid = pid
        self.host = host
        self.attempt = attempt
    }

    public static let attempts = 1...1_000_000

    private enum CodingKeys: String, CodingKey { case job, rank, worldSize, pid, host, attempt }

    /// JSON from before attempts were carried (agents' reports, stored rows) reads as attempt 1.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(job: try c.decode(String.self, forKey: .job), rank: try c.decode(Int.self, forKey: .rank),
                  worldSize: try c.decode(Int.self, forKey: .worldSize), pid: try c.decode(Int32.self, forKey: .pid),
                  host: try c.decode(String.self, forKey: .host), attempt: try c.decodeIfPresent(Int.self, forKey: .attempt) ?? 1)
    }
}
