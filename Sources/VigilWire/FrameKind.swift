/// The first byte of every frame: what the payload is.
public enum FrameKind: UInt8, Sendable, CaseIterable {
    /// agent → server: protocol version, node identity, token.
    case hello = 1
    /// server → agent: accepted; where to resume the batch sequence.
    case welcome = 2
    /// server → agent: refused, with a reason; the server then closes.
    case refused = 3
    /// agent → server: a numbered batch of telemetry items.
    case batch = 16
    /// server → agent: every batch up to this number is stored.
    case ack = 17
    /// server → agent: probe the links to these peers, report `.probe` items.
    case probeRequest = 18
    /// server → agent: every rank's shard of a checkpoint is durable at a level: write its manifest.
    case checkpointCommit = 19
    /// server → agent: retention removes a checkpoint's level: its manifest first, then its shards.
    case checkpointRemove = 20
    /// server → agent: a checkpoint is complete at level 1: send these shards to your buddy's agent.
    case checkpointReplicate = 21
    /// server → agent: stop a job on this node, or start an attempt's mpirun here (recovery).
    case jobControl = 22
}
