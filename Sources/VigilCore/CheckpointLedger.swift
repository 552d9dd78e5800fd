/// The server's tally of checkpoint shards: which ranks' shard of which
/// step is durable at each level. The event that makes a set whole yields
/// the commits: the manifest, and the nodes to write it. At level 1 every
/// node holding shards writes it into its own directory (each node's
/// restore reads its own), and so at the buddy level; at level 2 the node of rank 0 writes the one
/// manifest of the shared directory. A set left behind by a newer step
/// complete at its level is abandoned (a rank failed or was lost mid-save).
/// Once a job's attempt has written a shard, what an older attempt says
/// late is ignored: a set is never made whole from two attempts' files.
public struct CheckpointLedger: Sendable {
    public struct Key: Hashable, Sendable {
        public var job: String
        public var step: Int64
        public var level: CheckpointLevel

        public init(job: String, step: Int64, level: CheckpointLevel) {
            self.job = job
            self.step = step
            self.level = level
        }
    }

    /// One node's part in committing a checkpoint: write `manifest` under
    /// `root`, where (at a per-node level) the shards of `ranks` are.
    public struct Commit: Sendable, Equatable {
        public var node: String
        public var root: String
        public var manifest: CheckpointManifest
        public var ranks: [Int]

        public init(node: String, root: String, manifest: CheckpointManifest, ranks: [Int] = []) {
            self.node = node
            self.root = root
            self.manifest = manifest
            self.ranks = ranks
        }

        /// The shards this node holds, as the manifest lists them.
        public var heldShards: [CheckpointManifest.Shard] {
            let held = Set(ranks)
            return manifest.shards.filter { held.contains($0.rank) }
        }
    }

    public struct Outcome: Sendable, Equatable {
        public var commits: [Commit] = []
        public var abandoned: [Key] = []
    }

    private struct Held {
        var event: CheckpointShardEvent
        var node: String
    }

    private var pending: [Key: [Int: Held]] = [:]
    /// The newest attempt each job's ranks have written from.
    private var attempts: [String: Int] = [:]
    /// Beyond this many sets not whole, the oldest is abandoned: the tally stays bounded.
    public let limit: Int

    public init(limit: Int = 256) {
        self.limit = limit
    }

    /// Sets not yet whole.
    public var pendingCount: Int { pending.count }

    public mutating func record(_ event: CheckpointShardEvent, from node: String) -> Outcome {
        guard event.state == .durable, event.rank < event.worldSize, admits(event) else { return Outcome() }
        let key = Key(job: event.job, step: event.step, level: event.level)
        var shards = pending[key, default: [:]].filter {
            $0.value.event.worldSize == event.worldSize && (event.attempt == 0 || [0, event.attempt].contains($0.value.event.attempt))
        }
        shards[event.rank] = Held(event: event, node: node)
        guard shards.count == event.worldSize else {
            pending[key] = shards
            return Outcome(abandoned: overflow())
        }
        pending[key] = nil
        let manifest = CheckpointManifest(job: key.job, step: key.step, level: key.level, shards: shards.values.map {
            CheckpointManifest.Shard(rank: $0.event.rank, bytes: $0.event.bytes, checksum: $0.event.checksum)
        })
        let writers = key.level.isPerNode ? Array(shards.values) : [shards[0]!]
        let places = Dictionary(grouping: writers) { PlaceKey(node: $0.node, root: $0.event.root) }
        let abandoned = pending.keys.filter { $0.job == key.job && $0.level == key.level && $0.step < key.step }
        for old in abandoned { pending[old] = nil }
        return Outcome(commits: places.sorted { ($0.key.node, $0.key.root) < ($1.key.node, $1.key.root) }.map {
                           Commit(node: $0.key.node, root: $0.key.root, manifest: manifest,
                                  ranks: key.level.isPerNode ? $0.value.map(\.event.rank).sorted() : [])
                       },
                       abandoned: abandoned.sorted { $0.step < $1.step })
    }

    /// An agent's copy (attempt 0) follows a committed set; a rank's shard
    /// must be of the newest attempt heard from its job.
    private mutating func admits(_ event: CheckpointShardEvent) -> Bool {
        guard event.attempt > 0 else { return true }
        guard event.attempt >= attempts[event.job, default: 0] else { return false }
        attempts[event.job] = event.attempt
        return true
    }

    private mutating func overflow() -> [Key] {
        guard pending.count > limit,
              let oldest = pending.min(by: { $0.value.values.map(\.event.atNs).max()! < $1.value.values.map(\.event.atNs).max()! })
        else { return [] }
        pending[oldest.key] = nil
        return [oldest.key]
    }

    private struct PlaceKey: Hashable {
        var node: String
        var root: String
    }
}
