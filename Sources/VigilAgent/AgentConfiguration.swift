/// Where the agent listens and keeps rings, and how much it remembers.
public struct AgentConfiguration: Sendable {
    /// The Unix socket ranks register on and clients query.
    public var socketPath: String
    /// Where ring files live; a tmpfs (/dev/shm) keeps them off disk.
    public var ringDirectory: String
    /// Records per ring (rounded up to a power of two): 65,536 is 4 MiB per rank.
    public var ringCapacity: Int
    /// Records kept per rank for postmortems.
    public var flightRecorderDepth: Int
    /// How long an ended rank stays in reports.
    public var tombstoneSeconds: Double
    /// Where the output of the jobs this agent starts is kept.
    public var runDirectory: String
    /// This node's name in job runs (the uplink's name when streaming).
    public var node: String
    /// Checkpoints: the node's own directory (level 1), told to ranks that
    /// name none; where the agent keeps its buddies' shards (taken on the
    /// uplink's `buddyPort`); and the shared directory (level 2) the agent copies to.
    public var checkpointLocal: String?
    public var checkpointBuddy: String?
    public var checkpointShared: String?
    /// NCCL Inspector output directories to follow (InspectorFollower).
    public var ncclInspectorDirectories: [String] = []

    public init(socketPath: String = AgentConfiguration.defaultSocketPath,
                ringDirectory: String = "/dev/shm/vigil",
                ringCapacity: Int = 65_536,
                flightRecorderDepth: Int = 4_096,
                tombstoneSeconds: Double = 300,
                runDirectory: String = "/tmp/vigil-runs",
                node: String = "localhost",
                checkpointLocal: String? = nil,
                checkpointBuddy: String? = nil,
                checkpointShared: String? = nil) {
        self.checkpointLocal = checkpointLocal
        self.checkpointBuddy = checkpointBuddy
        self.checkpointShared = checkpointShared
        self.runDirectory = runDirectory
        self.node = node
        self.socketPath = socketPath
        self.ringDirectory = ringDirectory
        self.ringCapacity = ringCapacity
        self.flightRecorderDepth = flightRecorderDepth
        self.tombstoneSeconds = tombstoneSeconds
    }

    /// Same rule as libvigil: $VIGIL_AGENT_SOCKET, else /run/vigil/agent.sock
    /// for root, else /tmp/vigil-UID/agent.sock.
    public static var defaultSocketPath: String {
        if let env = Environment.value("VIGIL_AGENT_SOCKET"), !env.isEmpty { return env }
        let uid = Environment.effectiveUserID
        return uid == 0 ? "/run/vigil/agent.sock" : "/tmp/vigil-\(uid)/agent.sock"
    }

    /// The capacity actually used: a power of two between 64 and 2^24.
    public var effectiveRingCapacity: UInt32 {
        var capacity: UInt32 = 64
        while Int(capacity) < ringCapacity && capacity < (1 << 24) { capacity <<= 1 }
        return capacity
    }
}
