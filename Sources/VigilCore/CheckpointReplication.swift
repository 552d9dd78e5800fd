/// The server's ask of one agent once a checkpoint is complete at level 1:
/// send the shards this node holds of it to its buddy's agent, which keeps
/// them at the buddy level (they then survive the loss of this node).
public struct CheckpointReplication: Sendable, Equatable {
    public var job: String
    public var step: Int64
    public var worldSize: Int
    /// This node's level-1 directory, where the shards are.
    public var root: String
    public var shards: [CheckpointManifest.Shard]
    /// The buddy: its node name, and where its agent takes shards (host and port).
    public var buddy: String
    public var host: String
    public var port: Int

    public init(job: String, step: Int64, worldSize: Int, root: String, shards: [CheckpointManifest.Shard],
                buddy: String, host: String, port: Int) {
        self.job = job
        self.step = step
        self.worldSize = worldSize
        self.root = root
        self.shards = shards
        self.buddy = buddy
        self.host = host
        self.port = port
    }

    /// Each node's buddy: the next of `nodes` in name order, the last's the
    /// first (a ring: every node sends to one and keeps one's). One node
    /// alone has none.
    public static func buddies(of nodes: Set<String>) -> [String: String] {
        let ring = nodes.sorted()
        guard ring.count > 1 else { return [:] }
        return Dictionary(uniqueKeysWithValues: ring.indices.map { (ring[$0], ring[($0 + 1) % ring.count]) })
    }
}
