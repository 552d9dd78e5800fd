/// A checkpoint as the store knows it: per level, how many shards are
/// durable, and whether its manifest made it complete there.
public struct StoredCheckpoint: Sendable, Equatable, Codable {
    public struct Level: Sendable, Equatable, Codable {
        public enum State: String, Sendable, Codable {
            /// Some rank still copying its shard into its staging pool.
            case copying
            /// Every rank's copy done, shards on their way to level 1.
            case staged
            /// Shards still arriving.
            case partial
            /// Every shard durable, the manifest asked for.
            case committing
            case complete
            /// A shard or the manifest failed at this level.
            case failed
            /// Never whole, and a newer step is complete at this level.
            case abandoned
            /// Retention asked for it to go; gone once every place said so.
            case removing
            case removed
        }

        /// Where its shards are: a node, and the level's directory there.
        public struct Place: Sendable, Hashable, Codable {
            public var node: String
            public var root: String

            public init(node: String, root: String) {
                self.node = node
                self.root = root
            }
        }

        public var level: CheckpointLevel
        public var state: State
        public var durableShards: Int
        /// Before level 1 (its rows only): shards being copied, and staged.
        public var copyingShards: Int
        public var stagedShards: Int
        public var bytes: UInt64
        /// The slowest shard's write at this level, and the longest training waited.
        public var slowestNs: UInt64
        public var blockedNs: UInt64
        public var completedNs: UInt64?
        /// The first failure, if any.
        public var failure: String?
        public var places: [Place]
        /// When the scrub re-read every shard and found them intact.
        public var verifiedNs: UInt64?

        public init(level: CheckpointLevel, state: State, durableShards: Int, copyingShards: Int = 0, stagedShards: Int = 0,
                    bytes: UInt64, slowestNs: UInt64, blockedNs: UInt64, completedNs: UInt64?, failure: String?,
                    places: [Place] = [], verifiedNs: UInt64? = nil) {
            self.copyingShards = copyingShards
            self.stagedShards = stagedShards
            self.places = places
            self.verifiedNs = verifiedNs
            self.level = level
            self.state = state
            self.durableShards = durableShards
            self.bytes = bytes
            self.slowestNs = slowestNs
            self.blockedNs = blockedNs
            self.completedNs = completedNs
            self.failure = failure
        }

        /// "complete", "verified" once scrubbed, else the state.
        public var label: String { state == .complete && verifiedNs != nil ? "verified" : state.rawValue }

        /// The label, with how many of `worldSize` shards got this far
        /// while it is under way: "copying 3/4" (begun), "staged 4/4", "partial 2/4".
        public func progress(of worldSize: Int) -> String {
            let reached = switch state {
            case .copying: copyingShards + stagedShards + durableShards
            case .staged: stagedShards + durableShards
            case .partial, .committing, .failed, .removing: durableShards
            case .complete, .abandoned, .removed: -1
            }
            return reached < 0 ? label : "\(label) \(reached)/\(worldSize)"
        }

        /// Bytes over the slowest shard's time: the level's flush rate, all ranks writing at once.
        public var bytesPerSecond: Double { slowestNs == 0 ? 0 : Double(bytes) * 1e9 / Double(slowestNs) }
    }

    public var job: String
    public var step: Int64
    public var worldSize: Int
    public var startedNs: UInt64
    /// Never removed by retention.
    public var pinned: Bool
    /// The job attempt whose ranks wrote it (0: stored before attempts were).
    public var attempt: Int
    public var levels: [Level]

    public init(job: String, step: Int64, worldSize: Int, startedNs: UInt64, pinned: Bool = false, attempt: Int = 1,
                levels: [Level]) {
        self.pinned = pinned
        self.attempt = attempt
        self.job = job
        self.step = step
        self.worldSize = worldSize
        self.startedNs = startedNs
        self.levels = levels
    }

    public func level(_ level: CheckpointLevel) -> Level? { levels.first { $0.level == level } }

    public func isComplete(at level: CheckpointLevel) -> Bool { self.level(level)?.state == .complete }
}
