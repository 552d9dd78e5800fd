/// What an agent sends in one frame: numbered per node, so the server
/// stores each batch once however often it arrives.
public struct TelemetryBatch: Sendable, Equatable {
    public var seq: UInt64
    public var items: [TelemetryItem]

    public init(seq: UInt64, items: [TelemetryItem]) {
        self.seq = seq
        self.items = items
    }
}

public enum TelemetryItem: Sendable, Equatable {
    case health(NodeHealth)
    case rank(RankSnapshot)
    case stats(StatWindow)
    case link(LinkWindow)
    /// The sender's outbox losses so far (cumulative).
    case loss(SpoolLoss)
    /// Per-instance events of one rank, for the cross-node join.
    case instances(InstanceEvents)
    /// A job attempt this node's agent runs mpirun for, when it changed.
    case run(JobRun)
    /// A link measurement the server asked this agent for.
    case probe(LinkProbe)
    /// A rank's checkpoint shard copying, staged, durable, failed, restored or passed over at a level.
    case checkpointShard(CheckpointShardEvent)
    /// A checkpoint's manifest written (or not) where the server asked.
    case checkpointManifest(CheckpointManifestEvent)
    /// What the agent did with a job the server asked it to stop or start.
    case jobControl(JobControlReply)
}
