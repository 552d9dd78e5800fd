/// Where a job stands with its checkpoints: the newest step each level can
/// restore, and the work at risk since (steps saved since, not yet restorable).
public struct CheckpointStanding: Sendable, Equatable, Codable {
    public struct Restorable: Sendable, Equatable, Codable {
        public var level: CheckpointLevel
        public var step: Int64
        public var completedNs: UInt64
    }

    public var job: String
    /// Per level with a complete checkpoint, fastest first.
    public var restorable: [Restorable]
    /// The newest step a checkpoint was started of, complete or not.
    public var newestStep: Int64

    /// Steps since the newest restorable one (all of them when none is).
    public var stepsAtRisk: Int64 { newestStep - (restorable.map(\.step).max() ?? 0) }

    /// Per job, from the store's checkpoints (newest first or not).
    public static func of(_ checkpoints: [StoredCheckpoint]) -> [CheckpointStanding] {
        Dictionary(grouping: checkpoints, by: \.job).map { job, rows in
            let restorable = CheckpointLevel.allCases.compactMap { level -> Restorable? in
                let complete = rows.filter { $0.isComplete(at: level) }.max { $0.step < $1.step }
                return complete.flatMap { row in
                    row.level(level)?.completedNs.map { Restorable(level: level, step: row.step, completedNs: $0) }
                }
            }
            return CheckpointStanding(job: job, restorable: restorable, newestStep: rows.map(\.step).max() ?? 0)
        }.sorted { $0.job < $1.job }
    }
}
