/// What goodput needs of a checkpoint: when it started and how long
/// training waited on its copy (the longest any rank did, at any level).
/// The store reads it for a job's whole history in one query.
public struct CheckpointTiming: Sendable, Equatable, Codable {
    public var job: String
    public var step: Int64
    public var startedNs: UInt64
    public var blockedNs: UInt64

    public init(job: String, step: Int64, startedNs: UInt64, blockedNs: UInt64) {
        self.job = job
        self.step = step
        self.startedNs = startedNs
        self.blockedNs = blockedNs
    }

    public init(_ checkpoint: StoredCheckpoint) {
        self.init(job: checkpoint.job, step: checkpoint.step, startedNs: checkpoint.startedNs,
                  blockedNs: checkpoint.levels.map(\.blockedNs).max() ?? 0)
    }
}
