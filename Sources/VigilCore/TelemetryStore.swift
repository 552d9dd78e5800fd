/// Where the server keeps telemetry. SQLite today (`SQLiteStore`); the
/// protocol is the seam for another backend such as PostgreSQL.
public protocol TelemetryStore: Sendable {
    /// The highest batch number of `node` already stored; 0 if none.
    func lastBatch(of node: String) async throws -> UInt64

    /// An agent of `node` connects with outbox `instance`: where to resume.
    /// Batch numbers belong to an instance, so a new one starts from 0.
    func resume(node: String, instance: UInt64, atNs: UInt64) async throws -> UInt64

    /// Store `batch` from `node` in one transaction, once: a batch numbered
    /// at or below the node's last stored batch is a replay and is skipped
    /// (returns false).
    func store(_ batch: TelemetryBatch, from node: String, receivedAtNs: UInt64) async throws -> Bool

    /// Collectives stored per job, rank, communicator and op.
    func collectiveTotals(job: String) async throws -> [CollectiveTotal]

    /// Every node with its latest health.
    func nodes() async throws -> [NodeSummary]

    /// Every rank's latest snapshot, with the node that reported it.
    func ranks() async throws -> [StoredRank]
}

public struct CollectiveTotal: Sendable, Equatable, Codable {
    public var job: String
    public var rank: Int
    public var communicator: UInt64
    public var op: CollectiveOp
    public var count: UInt64

    public init(job: String, rank: Int, communicator: UInt64, op: CollectiveOp, count: UInt64) {
        self.job = job
        self.rank = rank
        self.communicator = communicator
        self.op = op
        self.count = count
    }
}

public struct NodeSummary: Sendable, Equatable, Codable {
    public var name: String
    public var lastBatch: UInt64
    public var lastSeenNs: UInt64
    public var health: NodeHealth?
    /// What the node's agent reports its outbox had to drop.
    public var loss: SpoolLoss

    public init(name: String, lastBatch: UInt64, lastSeenNs: UInt64, health: NodeHealth?, loss: SpoolLoss = SpoolLoss()) {
        self.name = name
        self.lastBatch = lastBatch
        self.lastSeenNs = lastSeenNs
        self.health = health
        self.loss = loss
    }
}

public struct StoredRank: Sendable, Equatable, Codable {
    public var node: String
    public var snapshot: RankSnapshot
    public var updatedNs: UInt64

    public init(node: String, snapshot: RankSnapshot, updatedNs: UInt64) {
        self.node = node
        self.snapshot = snapshot
        self.updatedNs = updatedNs
    }
}
