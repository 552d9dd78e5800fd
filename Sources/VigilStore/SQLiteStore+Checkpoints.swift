import Foundation
import GRDB
import VigilCore

extension SQLiteStore {
    public func recordCheckpointCommit(_ key: CheckpointLedger.Key, writers: Int, atNs: UInt64) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO checkpointCommit (job, step, level, writers, committedNs) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(job, step, level) DO UPDATE SET writers = excluded.writers, written = 0, failure = NULL,
                    committedNs = excluded.committedNs, completedNs = NULL
                """, arguments: [key.job, key.step, key.level.rawValue, writers, atNs])
        }
    }

    public func recordCheckpointRemoval(_ key: CheckpointLedger.Key, places: Int, atNs: UInt64) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO checkpointRemoval (job, step, level, places, askedNs) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(job, step, level) DO UPDATE SET places = excluded.places, removed = 0,
                    askedNs = excluded.askedNs, removedNs = NULL
                """, arguments: [key.job, key.step, key.level.rawValue, places, atNs])
            try Self.refreshHeld(db, job: key.job, step: key.step)
        }
    }

    public func setCheckpointPinned(job: String, step: Int64, _ pinned: Bool) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE checkpoint SET pinned = ? WHERE job = ? AND step = ?", arguments: [pinned, job, step])
            guard db.changesCount > 0 else { return false }
            try Self.record(db, kind: pinned ? "checkpoint.pinned" : "checkpoint.unpinned", node: nil, job: job,
                            message: "step \(step) \(pinned ? "pinned: retention keeps it" : "unpinned")", atNs: wallClockNanoseconds())
            return true
        }
    }

    public func checkpoints(job: String?, limit: Int) async throws -> [StoredCheckpoint] {
        try await pool.read { db in
            try Self.checkpoints(db, where: "?1 IS NULL OR job = ?1", arguments: [job, limit])
        }
    }

    public func checkpointTimings(job: String?) async throws -> [CheckpointTiming] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT c.job, c.step, c.startedNs, COALESCE(MAX(s.blockedNs), 0) AS blockedNs
                FROM checkpoint c LEFT JOIN checkpointShard s ON s.job = c.job AND s.step = c.step
                WHERE ?1 IS NULL OR c.job = ?1 GROUP BY c.job, c.step
                """, arguments: [job]).map { row in
                CheckpointTiming(job: row["job"], step: row["step"], startedNs: row["startedNs"], blockedNs: row["blockedNs"])
            }
        }
    }

    public func heldCheckpoints(job: String) async throws -> [StoredCheckpoint] {
        try await pool.read { db in
            try Self.checkpoints(db, where: "job = ?1 AND held", arguments: [job, Int.max])
        }
    }

    /// Checkpoints matching `filter` (`?2` is the limit), newest first, with their levels.
    private static func checkpoints(_ db: Database, where filter: String, arguments: StatementArguments) throws -> [StoredCheckpoint] {
        let newestComplete = try newestComplete(db)
        return try Row.fetchAll(db, sql: """
            SELECT job, step, worldSize, startedNs, pinned, attempt FROM checkpoint WHERE \(filter)
            ORDER BY startedNs DESC, step DESC LIMIT ?2
            """, arguments: arguments).map { row in
            var checkpoint = StoredCheckpoint(job: row["job"], step: row["step"], worldSize: row["worldSize"],
                                              startedNs: row["startedNs"], pinned: row["pinned"], attempt: row["attempt"],
                                              levels: [])
            checkpoint.levels = try levels(db, of: checkpoint, newestComplete: newestComplete)
            return checkpoint
        }
    }

    /// True for the `checkpoint` row in scope with a level whose shards no removal was asked of.
    static let heldLevelExists = """
        EXISTS (SELECT 1 FROM checkpointShard s WHERE s.job = checkpoint.job AND s.step = checkpoint.step AND NOT EXISTS (
            SELECT 1 FROM checkpointRemoval r WHERE r.job = s.job AND r.step = s.step AND r.level = s.level))
        """

    /// Keeps `held` true while a level of the checkpoint is not asked to be removed.
    static func refreshHeld(_ db: Database, job: String, step: Int64) throws {
        try db.cachedStatement(sql: "UPDATE checkpoint SET held = \(heldLevelExists) WHERE job = ? AND step = ?")
            .execute(arguments: [job, step])
    }

    /// Every shard of one checkpoint, by level then rank.
    public func checkpointShards(job: String, step: Int64) async throws -> [StoredShard] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM checkpointShard WHERE job = ? AND step = ? ORDER BY level, rank",
                             arguments: [job, step]).compactMap { row in
                guard let level = CheckpointLevel(rawValue: row["level"]),
                      let state = CheckpointShardEvent.State(rawValue: row["stage"]) else { return nil }
                return StoredShard(level: level, rank: row["rank"], node: row["node"], root: row["root"], state: state,
                                   bytes: row["bytes"], checksum: UInt64(bitPattern: row["checksum"]),
                                   durationNs: row["durationNs"], copyNs: row["copyNs"], blockedNs: row["blockedNs"],
                                   detail: row["detail"], atNs: row["atNs"])
            }
        }
    }

    /// Per (job, level): the newest step complete there.
    private static func newestComplete(_ db: Database) throws -> [String: Int64] {
        var newest: [String: Int64] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT job, level, MAX(step) AS step FROM checkpointCommit WHERE completedNs IS NOT NULL GROUP BY job, level
            """) {
            newest["\(row["job"] as String)/\(row["level"] as Int)"] = row["step"]
        }
        return newest
    }

    private static func levels(_ db: Database, of checkpoint: StoredCheckpoint,
                               newestComplete: [String: Int64]) throws -> [StoredCheckpoint.Level] {
        let arguments: StatementArguments = [checkpoint.job, checkpoint.step]
        var commits: [Int: Row] = [:], removals: [Int: Row] = [:], places: [Int: [StoredCheckpoint.Level.Place]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM checkpointCommit WHERE job = ? AND step = ?", arguments: arguments) {
            commits[row["level"]] = row
        }
        for row in try Row.fetchAll(db, sql: "SELECT * FROM checkpointRemoval WHERE job = ? AND step = ?", arguments: arguments) {
            removals[row["level"]] = row
        }
        for row in try Row.fetchAll(db, sql: """
            SELECT DISTINCT level, node, root FROM checkpointShard WHERE job = ? AND step = ? ORDER BY node, root
            """, arguments: arguments) {
            places[row["level"], default: []].append(.init(node: row["node"], root: row["root"]))
        }
        return try Row.fetchAll(db, sql: """
            SELECT level, SUM(durable) AS durable, SUM(stage = ?) AS copying, SUM(stage = ?) AS staged,
                SUM(CASE WHEN durable THEN bytes ELSE 0 END) AS bytes,
                MAX(CASE WHEN durable THEN durationNs ELSE 0 END) AS slowest, MAX(blockedNs) AS blocked,
                MIN(CASE WHEN stage = ? THEN detail END) AS failure
            FROM checkpointShard WHERE job = ? AND step = ? GROUP BY level ORDER BY level
            """, arguments: [CheckpointShardEvent.State.copying.rawValue, CheckpointShardEvent.State.staged.rawValue,
                             CheckpointShardEvent.State.failed.rawValue] + arguments).compactMap { row in
            guard let level = CheckpointLevel(rawValue: row["level"]) else { return nil }
            let commit = commits[Int(level.rawValue)]
            let failure: String? = row["failure"] ?? commit?["failure"]
            let completed: UInt64? = commit?["completedNs"], verified: UInt64? = commit?["verifiedNs"]
            let copying: Int = row["copying"], staged: Int = row["staged"]
            var state: StoredCheckpoint.Level.State = completed != nil ? .complete
                : failure != nil ? .failed : commit != nil ? .committing
                : copying > 0 ? .copying : staged > 0 ? .staged : .partial
            if state != .complete, let newest = newestComplete["\(checkpoint.job)/\(level.rawValue)"], newest > checkpoint.step {
                state = .abandoned
            }
            if let removal = removals[Int(level.rawValue)] {
                state = (removal["removedNs"] as UInt64?) == nil ? .removing : .removed
            }
            return StoredCheckpoint.Level(level: level, state: state, durableShards: row["durable"],
                                          copyingShards: copying, stagedShards: staged, bytes: row["bytes"],
                                          slowestNs: row["slowest"], blockedNs: row["blocked"], completedNs: completed,
                                          failure: failure, places: places[Int(level.rawValue)] ?? [], verifiedNs: verified)
        }
    }
}

extension BatchWriter {
    private static let progressStages: StatementArguments = [CheckpointShardEvent.State.copying.rawValue,
                                                             CheckpointShardEvent.State.staged.rawValue]

    /// A shard copying, staged, durable or failed at a level is its
    /// checkpoint's row (progress never overwrites an outcome); what restore
    /// read or passed over goes on the timeline. A step written again by a
    /// newer attempt is that attempt's alone.
    func write(_ event: CheckpointShardEvent) throws {
        let what = "step \(event.step) rank \(event.rank)"
        switch event.state {
        case .durable, .failed, .copying, .staged:
            guard try claim(event) else { return }
            try db.cachedStatement(sql: """
                INSERT INTO checkpoint (job, step, worldSize, startedNs, attempt) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(job, step) DO UPDATE SET worldSize = excluded.worldSize,
                    startedNs = MIN(checkpoint.startedNs, excluded.startedNs), attempt = MAX(checkpoint.attempt, excluded.attempt)
                """).execute(arguments: [event.job, event.step, event.worldSize, event.atNs, event.attempt])
            try db.cachedStatement(sql: """
                INSERT INTO checkpointShard (job, step, level, rank, node, root, stage, durable, bytes, checksum, durationNs,
                    blockedNs, detail, atNs, copyNs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(job, step, level, rank) DO UPDATE SET node = excluded.node, root = excluded.root,
                    copyNs = MAX(checkpointShard.copyNs, excluded.copyNs),
                    stage = excluded.stage, durable = excluded.durable, bytes = excluded.bytes, checksum = excluded.checksum,
                    durationNs = excluded.durationNs, blockedNs = excluded.blockedNs, detail = excluded.detail, atNs = excluded.atNs
                WHERE excluded.stage NOT IN (?, ?) OR checkpointShard.stage IN (?, ?)
                """).execute(arguments: [event.job, event.step, event.level.rawValue, event.rank, node, event.root,
                                         event.state.rawValue, event.state == .durable,
                                         event.bytes, Int64(bitPattern: event.checksum), event.durationNs, event.blockedNs,
                                         event.detail, event.atNs, event.state == .staged ? event.durationNs : 0]
                                         + Self.progressStages + Self.progressStages)
            try SQLiteStore.refreshHeld(db, job: event.job, step: event.step)
            if event.state == .failed {
                try SQLiteStore.record(db, kind: "checkpoint.failed", node: node, job: event.job,
                                       message: "\(what) failed at \(event.level.name): \(event.detail)", atNs: event.atNs)
            }
        case .restored:
            try SQLiteStore.record(db, kind: "checkpoint.restored", node: node, job: event.job,
                                   message: "\(what) restored from \(event.level.name)", atNs: event.atNs)
        case .rejected:
            try SQLiteStore.record(db, kind: "checkpoint.rejected", node: node, job: event.job,
                                   message: "\(what) passed over at \(event.level.name): \(event.detail)", atNs: event.atNs)
        }
    }

    /// False for an older attempt's late word on a step a newer one wrote
    /// (on the timeline, not stored); a newer attempt's first word on a step
    /// clears what the older one left of it, at every level.
    private func claim(_ event: CheckpointShardEvent) throws -> Bool {
        guard event.attempt > 0, let owner = try Int.fetchOne(db, sql: "SELECT attempt FROM checkpoint WHERE job = ? AND step = ?",
                                                              arguments: [event.job, event.step]) else { return true }
        if event.attempt < owner {
            if event.state == .durable || event.state == .failed {
                try SQLiteStore.record(db, kind: "checkpoint.stale", node: node, job: event.job, message: """
                    step \(event.step) rank \(event.rank) of attempt \(event.attempt) ignored: attempt \(owner) wrote the step since
                    """, atNs: event.atNs)
            }
            return false
        }
        if event.attempt > owner && event.claimsStep {
            for table in ["checkpointShard", "checkpointCommit", "checkpointRemoval"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE job = ? AND step = ?", arguments: [event.job, event.step])
            }
            try db.execute(sql: "UPDATE checkpoint SET startedNs = ?, attempt = ? WHERE job = ? AND step = ?",
                           arguments: [event.atNs, event.attempt, event.job, event.step])
        }
        return true
    }

    /// A manifest written where the server asked: once every writer did, the
    /// checkpoint is complete at that level; a level removed once every place did.
    func write(_ event: CheckpointManifestEvent) throws {
        let arguments: StatementArguments = [event.job, event.step, event.level.rawValue]
        switch event.outcome {
        case .removed:
            try db.cachedStatement(sql: """
                UPDATE checkpointRemoval SET removed = removed + 1,
                    removedNs = CASE WHEN removed + 1 >= places THEN ? ELSE removedNs END
                WHERE job = ? AND step = ? AND level = ?
                """).execute(arguments: [event.atNs] + arguments)
            try SQLiteStore.record(db, kind: "checkpoint.removed", node: node, job: event.job,
                                   message: "step \(event.step) removed at \(event.level.name) (retention)", atNs: event.atNs)
        case .verified:
            try db.cachedStatement(sql: "UPDATE checkpointCommit SET verifiedNs = ? WHERE job = ? AND step = ? AND level = ?")
                .execute(arguments: [event.atNs] + arguments)
            try SQLiteStore.record(db, kind: "checkpoint.verified", node: node, job: event.job,
                                   message: "step \(event.step) at \(event.level.name): every shard re-read intact", atNs: event.atNs)
        case .written:
            try db.cachedStatement(sql: """
                UPDATE checkpointCommit SET written = written + 1,
                    completedNs = CASE WHEN written + 1 >= writers THEN ? ELSE completedNs END
                WHERE job = ? AND step = ? AND level = ?
                """).execute(arguments: [event.atNs] + arguments)
            let complete = try Bool.fetchOne(db, sql: """
                SELECT completedNs IS NOT NULL FROM checkpointCommit WHERE job = ? AND step = ? AND level = ?
                """, arguments: arguments) ?? false
            if complete {
                try SQLiteStore.record(db, kind: "checkpoint.complete", node: node, job: event.job,
                                       message: "step \(event.step) complete at \(event.level.name)", atNs: event.atNs)
            }
        case .failed:
            // A removal that failed leaves the level as it was; a manifest not written fails the level.
            try db.cachedStatement(sql: """
                UPDATE checkpointCommit SET failure = COALESCE(failure, ?1) WHERE job = ?2 AND step = ?3 AND level = ?4
                    AND NOT EXISTS (SELECT 1 FROM checkpointRemoval WHERE job = ?2 AND step = ?3 AND level = ?4)
                """).execute(arguments: [event.detail] + arguments)
            try SQLiteStore.record(db, kind: "checkpoint.failed", node: node, job: event.job,
                                   message: "step \(event.step) at \(event.level.name): \(event.detail)", atNs: event.atNs)
        }
    }
}
