extension ClusterTables {
    /// `vigil checkpoints`: where each job stands, then its checkpoints, newest first.
    public static func checkpoints(_ stored: [StoredCheckpoint], nowNs: UInt64) -> String {
        var out = ""
        for standing in CheckpointStanding.of(stored) {
            let levels = standing.restorable.map { "step \($0.step) at \($0.level.shortName) (\(age(nowNs, $0.completedNs)) ago)" }
            out += "\(standing.job): restorable " + (levels.isEmpty ? "from no step" : levels.joined(separator: ", "))
                + "; at risk: \(standing.stepsAtRisk) steps (newest saved \(standing.newestStep))\n"
        }
        var table = TextTable(header: ["JOB", "STEP", "STARTED", "LEVEL 1", "BUDDY", "LEVEL 2", "BYTES", "BLOCKED", "FLUSH", "FAILURE"],
                              rightAligned: [1, 2, 6, 7, 8])
        for row in stored {
            let local = row.level(.local)
            table.append([row.job, "\(row.step)", age(nowNs, row.startedNs) + " ago", state(local, of: row),
                          state(row.level(.buddy), of: row), state(row.level(.shared), of: row), local.map { bytes($0.bytes) } ?? "-",
                          local.map { DurationText.precise($0.blockedNs) } ?? "-",
                          local.map { "\(Int($0.bytesPerSecond / 1e6)) MB/s" } ?? "-",
                          row.levels.compactMap(\.failure).first ?? ""])
        }
        return out + table.render()
    }

    /// `vigil checkpoints --job J --step S`: each shard, per level and rank.
    public static func shards(_ shards: [StoredShard], job: String, step: Int64, nowNs: UInt64) -> String {
        guard !shards.isEmpty else { return "\(job) step \(step): no shards reported\n" }
        var table = TextTable(header: ["LEVEL", "RANK", "NODE", "STATE", "BYTES", "XXH3", "COPY", "WRITE", "RATE", "BLOCKED", "AGE",
                                       "DETAIL"], rightAligned: [1, 4, 6, 7, 8, 9, 10])
        for shard in shards {
            let hasSum = shard.state == .durable
            table.append([shard.level.shortName, "\(shard.rank)", shard.node, shard.state.name, bytes(shard.bytes),
                          hasSum ? String(format: "%016llx", shard.checksum) : "-",
                          shard.copyNs == 0 ? "-" : DurationText.precise(shard.copyNs),
                          shard.state.isProgress ? "-" : DurationText.precise(shard.durationNs),
                          shard.durationNs == 0 ? "-" : "\(Int(shard.bytesPerSecond / 1e6)) MB/s",
                          DurationText.precise(shard.blockedNs), age(nowNs, shard.atNs), shard.detail])
        }
        return "\(job) step \(step)\n" + table.render()
    }

    private static func state(_ level: StoredCheckpoint.Level?, of row: StoredCheckpoint) -> String {
        level?.progress(of: row.worldSize) ?? "-"
    }
}
