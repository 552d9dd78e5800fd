/// Who a rank is: what it announced when it registered with its agent.
public struct RankIdentity: Sendable, Equatable, Hashable, Codable {
    public var job: String
    public var rank: Int
    public var worldSize: Int
    public var pid: Int32
    public var host: String

    public init(job: String, rank: Int, worldSize: Int, pid: Int32, host: String) {
        self.job = job
        self.rank = rank
        self.worldSize = worldSize
        self.pid = pid
        self.host = host
    }
}
