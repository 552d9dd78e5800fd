/// Which checkpoint levels retention removes (docs/checkpoints.md): per
/// job and level, all but the newest `keep` complete ones, and every one
/// never completed that is older than the newest complete one (abandoned
/// partial or failed ones). It runs only below a complete step, so the
/// newest complete one is never removed, nor one still being written;
/// pinned checkpoints are never removed.
public enum CheckpointRetention {
    public static func removals(_ checkpoints: [StoredCheckpoint], keep: Int) -> [(StoredCheckpoint, StoredCheckpoint.Level)] {
        let keep = max(1, keep)
        var out: [(StoredCheckpoint, StoredCheckpoint.Level)] = []
        for (_, rows) in Dictionary(grouping: checkpoints, by: \.job) {
            for level in CheckpointLevel.allCases {
                let held = rows.compactMap { row in row.level(level).map { (row, $0) } }
                    .filter { ![.removing, .removed].contains($0.1.state) }
                    .sorted { $0.0.step > $1.0.step }
                let complete = held.filter { $0.1.state == .complete }
                guard let newest = complete.first?.0.step else { continue }
                let kept = Set(complete.prefix(keep).map(\.0.step))
                out += held.filter { !$0.0.pinned && $0.0.step < newest && !kept.contains($0.0.step) }
            }
        }
        return out.sorted { ($0.0.job, $0.0.step, $0.1.level) < ($1.0.job, $1.0.step, $1.1.level) }
    }
}
