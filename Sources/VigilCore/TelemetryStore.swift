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

    /// Per rank of `job`: what it produced against what was stored and what
    /// was dropped where.
    func accounts(job: String) async throws -> [RankAccount]

    /// Roll raw windows up into minutes, then delete raw data older than
    /// `rawKeepNs` and roll-ups older than `rollupKeepNs`.
    func applyRetention(nowNs: UInt64, rawKeepNs: UInt64, rollupKeepNs: UInt64) async throws -> RetentionReport

    /// Every node with its latest health.
    func nodes() async throws -> [NodeSummary]

    /// Job attempts as their agents reported them (of one job, or all), oldest first.
    func runs(job: String?) async throws -> [JobRun]
    /// Every job's attempts still running (what the Slurm backend follows each second).
    func runningRuns() async throws -> [JobRun]
    /// What started `job`'s attempt (command, hosts, environment), for recovery; nil if its agent did not say.
    func runSpec(job: String, attempt: Int) async throws -> RunSpec?
    /// An attempt the server itself started and follows (the Slurm backend: no agent runs its mpirun).
    func saveRun(_ run: JobRun, atNs: UInt64) async throws

    /// The job's node × node point-to-point traffic in windows ending after `sinceNs`.
    func links(job: String, sinceNs: UInt64) async throws -> [LinkTotal]

    /// The cluster's timeline after event `afterID`, oldest first, at most `limit`.
    func events(afterID: Int64, limit: Int) async throws -> [ClusterEvent]

    /// Incidents (of one job, or all), newest first, at most `limit`.
    func incidents(job: String?, limit: Int) async throws -> [StoredIncident]

    /// The latest probe of each node pair a job's agents measured.
    func probes(job: String) async throws -> [LinkProbe]

    /// A job's collectives in windows starting after `sinceNs`, per communicator and op over its ranks.
    func collectiveSummaries(job: String, sinceNs: UInt64) async throws -> [CollectiveSummary]

    /// The id of the newest timeline event; 0 when there is none.
    func latestEventID() async throws -> Int64

    /// Write `note` on the timeline; the event as stored.
    func addNote(_ note: OperatorNote, atNs: UInt64) async throws -> ClusterEvent
    /// The newest `limit` notes on the timeline, newest first.
    func latestNotes(limit: Int) async throws -> [ClusterEvent]

    /// Checkpoints (of one job, or all), newest first, at most `limit`.
    func checkpoints(job: String?, limit: Int) async throws -> [StoredCheckpoint]
    /// Every checkpoint's timing (of one job, or all): goodput's read of the
    /// whole history, one query however long it is.
    func checkpointTimings(job: String?) async throws -> [CheckpointTiming]
    /// A job's checkpoints with a level not yet asked to be removed, newest
    /// first: what retention weighs (the rest of the history stays out of it).
    func heldCheckpoints(job: String) async throws -> [StoredCheckpoint]
    /// One checkpoint's shards, by level then rank.
    func checkpointShards(job: String, step: Int64) async throws -> [StoredShard]

    /// Every shard of a checkpoint is durable at a level: `writers` agents
    /// were asked to write its manifest (it is complete once they all did).
    func recordCheckpointCommit(_ key: CheckpointLedger.Key, writers: Int, atNs: UInt64) async throws

    /// Retention asked `places` agents to remove a checkpoint's level.
    func recordCheckpointRemoval(_ key: CheckpointLedger.Key, places: Int, atNs: UInt64) async throws

    /// Pin (or unpin) a checkpoint: retention never removes a pinned one.
    /// False when the store has no such checkpoint.
    func setCheckpointPinned(job: String, step: Int64, _ pinned: Bool) async throws -> Bool

    /// Record what the detector found: new incidents get a row, standing
    /// ones (same key, unresolved) are updated, resolved ones closed.
    func saveIncidents(_ incidents: [Incident], atNs: UInt64) async throws

    /// Close every incident still open (a restarted detector starts afresh).
    func resolveOpenIncidents(atNs: UInt64) async throws -> Int

    /// An alert delivered to a target, or given up on: kept, and on the timeline.
    func recordAlertDelivery(key: String, job: String, target: String, action: String, delivered: Bool, attempts: Int,
                             detail: String, atNs: UInt64) async throws

    /// Cordon (or uncordon) a node, known yet or not, and say why; returns whether that changed anything.
    func setCordoned(_ node: String, _ cordoned: Bool, reason: String?, atNs: UInt64) async throws -> Bool

    /// Every rank's latest snapshot (of one job, or all), with the node that reported it.
    func ranks(job: String?) async throws -> [StoredRank]
}

extension TelemetryStore {
    /// Every incident (of one job, or all), newest first.
    public func incidents(job: String?) async throws -> [StoredIncident] { try await incidents(job: job, limit: .max) }

    /// Every rank's latest snapshot.
    public func ranks() async throws -> [StoredRank] { try await ranks(job: nil) }
}

public struct CollectiveTotal: Sendable, Equatable, Codable {
    public var job: String
    public var rank: Int
    public var communicator: UInt64
    public var op: CollectiveOp
    public var count: UInt64
    /// Time inside the call: upper bounds of the histogram buckets holding
    /// the median and the 99th percentile (within a factor of two).
    public var p50Ns: UInt64
    public var p99Ns: UInt64

    public init(job: String, rank: Int, communicator: UInt64, op: CollectiveOp, count: UInt64,
                p50Ns: UInt64 = 0, p99Ns: UInt64 = 0) {
        self.job = job
        self.rank = rank
        self.communicator = communicator
        self.op = op
        self.count = count
        self.p50Ns = p50Ns
        self.p99Ns = p99Ns
    }
}

public struct NodeSummary: Sendable, Equatable, Codable {
    public var name: String
    public var lastBatch: UInt64
    public var lastSeenNs: UInt64
    public var health: NodeHealth?
    /// What the node's agent reports its outbox had to drop.
    public var loss: SpoolLoss
    /// Cordoned by an operator: no launch chooses it.
    public var cordoned: Bool
    /// Why, when it was said (recovery's cordons name Vigil, the class and the incident).
    public var cordonReason: String?
    /// The scheduler's word on the node (Slurm: "drained: REASON", "down", "idle", ...); nil without one.
    public var scheduler: String?

    public init(name: String, lastBatch: UInt64, lastSeenNs: UInt64, health: NodeHealth?, loss: SpoolLoss = SpoolLoss(),
                cordoned: Bool = false, cordonReason: String? = nil) {
        self.cordonReason = cordonReason
        self.cordoned = cordoned
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

/// One rank's records, end to end. `produced` comes from the rank's ring
/// (it survives agent restarts); `stored` from the windows in the store.
public struct RankAccount: Sendable, Equatable, Codable {
    public var job: String
    public var rank: Int
    public var node: String
    public var produced: UInt64
    /// Ring full at the rank: never recorded.
    public var droppedAtRank: UInt64
    /// Still in the ring when last reported.
    public var pending: UInt64
    public var stored: UInt64

    public init(job: String, rank: Int, node: String, produced: UInt64, droppedAtRank: UInt64, pending: UInt64,
                stored: UInt64) {
        self.job = job
        self.rank = rank
        self.node = node
        self.produced = produced
        self.droppedAtRank = droppedAtRank
        self.pending = pending
        self.stored = stored
    }

    /// Consumed by an agent but never stored: lost with a killed agent's
    /// memory, or in batches its full spool dropped (see the node's loss).
    public var lostInTransit: UInt64 {
        produced - min(produced, droppedAtRank + pending + stored)
    }
}

public struct RetentionReport: Sendable, Equatable {
    public var rolledUp: Int
    public var rawDeleted: Int
    public var rollupsDeleted: Int

    public init(rolledUp: Int, rawDeleted: Int, rollupsDeleted: Int) {
        self.rolledUp = rolledUp
        self.rawDeleted = rawDeleted
        self.rollupsDeleted = rollupsDeleted
    }
}
