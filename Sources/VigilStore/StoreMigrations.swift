import Foundation
import GRDB
import VigilCore

/// The schema, as ordered migrations: a store is brought up to date when
/// it is opened, never edited in place.
enum StoreMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: telemetry, jobs and operations") { db in
            try createTelemetryTables(db)
            try createOperationsTables(db)
        }
        migrator.registerMigration("v2: node outbox identity and losses") { db in
            try db.alter(table: "node") { t in
                t.add(column: "instance", .integer).notNull().defaults(to: 0)
                t.add(column: "lostBatches", .integer).notNull().defaults(to: 0)
                t.add(column: "lostRecords", .integer).notNull().defaults(to: 0)
            }
        }
        migrator.registerMigration("v3: ring records per link window") { db in
            try db.alter(table: "linkWindow") { t in
                t.add(column: "records", .integer).notNull().defaults(to: 0)
            }
        }
        // The rank table is current state, rewritten by every heartbeat: it
        // is rebuilt within a second of the agents' next batches.
        migrator.registerMigration("v4: rank state in the wire encoding") { db in
            try db.drop(table: "rank")
            try db.create(table: "rank") { t in
                t.column("job", .text).notNull().references("job", onDelete: .cascade)
                t.column("rank", .integer).notNull()
                t.column("node", .text).notNull().references("node")
                t.column("state", .blob).notNull()
                t.column("updatedNs", .integer).notNull()
                t.primaryKey(["job", "rank"])
            }
        }
        migrator.registerMigration("v5: one-minute roll-ups") { db in
            try db.create(table: "statRollup") { t in
                t.column("job", .text).notNull()
                t.column("rank", .integer).notNull()
                t.column("communicator", .integer).notNull()
                t.column("op", .integer).notNull()
                t.column("sizeBucket", .integer).notNull()
                t.column("minuteNs", .integer).notNull()
                t.column("count", .integer).notNull()
                t.column("sumNs", .integer).notNull()
                t.column("minNs", .integer).notNull()
                t.column("maxNs", .integer).notNull()
                t.column("bytes", .integer).notNull()
                t.column("failures", .integer).notNull()
                t.primaryKey(["job", "rank", "communicator", "op", "sizeBucket", "minuteNs"])
            }
            try db.create(index: "statRollupByTime", on: "statRollup", columns: ["minuteNs"])
            try db.create(table: "storeState") { t in
                t.primaryKey("key", .text)
                t.column("value", .integer).notNull()
            }
        }
        // Histograms were 64 dense little-endian counts (512 bytes a row);
        // the sparse wire encoding is a few bytes, and roll-ups keep it.
        // Node health, like rank state, is rewritten by every heartbeat: its
        // JSON is dropped for the wire encoding and back within a second.
        migrator.registerMigration("v6: compact histograms (kept in roll-ups) and node health") { db in
            try db.alter(table: "node") { t in t.drop(column: "health") }
            try db.alter(table: "node") { t in t.add(column: "health", .blob) }
            let dense = try Row.fetchCursor(db, sql: "SELECT id, histogram FROM statWindow WHERE length(histogram) = 512")
            let update = try db.makeStatement(sql: "UPDATE statWindow SET histogram = ? WHERE id = ?")
            while let row = try dense.next() {
                let bytes: Data = row["histogram"]
                var histogram = DurationHistogram()
                for index in 0..<DurationHistogram.bucketCount {
                    histogram[index] = bytes[index * 8..<index * 8 + 8].reversed().reduce(0) { $0 << 8 | UInt64($1) }
                }
                try update.execute(arguments: [HistogramFunctions.encode(histogram), row["id"] as Int64])
            }
            try db.alter(table: "statRollup") { t in
                t.add(column: "histogram", .blob).notNull().defaults(to: HistogramFunctions.encode(DurationHistogram()))
            }
        }
        migrator.registerMigration("v7: runs as their agents report them") { db in
            try db.alter(table: "run") { t in
                t.add(column: "node", .text).notNull().defaults(to: "")
                t.add(column: "state", .text).notNull().defaults(to: "running")
                t.add(column: "stdoutTail", .text).notNull().defaults(to: "")
                t.add(column: "stderrTail", .text).notNull().defaults(to: "")
                t.add(column: "updatedNs", .integer).notNull().defaults(to: 0)
            }
            try db.create(index: "runByAttempt", on: "run", columns: ["job", "attempt"], unique: true)
        }
        // A job's next attempt reuses its (job, rank) rows while agents still
        // report the last attempt's ended ranks: an ended rank may not replace
        // a running rank of another process.
        migrator.registerMigration("v8: which process a rank row is") { db in
            try db.alter(table: "rank") { t in
                t.add(column: "pid", .integer).notNull().defaults(to: 0)
                t.add(column: "running", .boolean).notNull().defaults(to: false)
            }
        }
        migrator.registerMigration("v9: incidents by key, one open row each") { db in
            try db.alter(table: "incident") { t in t.add(column: "key", .text).notNull().defaults(to: "") }
            try db.execute(sql: "CREATE UNIQUE INDEX incidentOpenByKey ON incident(key) WHERE resolvedNs IS NULL")
        }
        // The console's link matrix: the latest probe of each pair, not only its line on the timeline.
        migrator.registerMigration("v10: latest link probe per pair") { db in
            try db.create(table: "linkProbe") { t in
                t.column("job", .text).notNull()
                t.column("fromNode", .text).notNull()
                t.column("toNode", .text).notNull()
                t.column("rttNs", .integer).notNull()
                t.column("bytes", .integer).notNull()
                t.column("transferNs", .integer).notNull()
                t.column("atNs", .integer).notNull()
                t.primaryKey(["job", "fromNode", "toNode"])
            }
        }
        // Health and rank rows are stored in the wire encoding, which version 3
        // extended (CPU pressure, blocked peers, throttling): the rows are
        // latest-only, rewritten by the next report, so old ones are dropped.
        migrator.registerMigration("v11: wire version 3 rows") { db in
            try db.execute(sql: "UPDATE node SET health = NULL")
            try db.execute(sql: "DELETE FROM rank")
        }
        // Version 4 rank rows carry when the rank ended.
        migrator.registerMigration("v12: wire version 4 rows") { db in
            try db.execute(sql: "DELETE FROM rank")
        }
        // The first checkpoint tables were placeholders, never written.
        migrator.registerMigration("v13: checkpoints by level") { db in
            try db.drop(table: "checkpointShard")
            try db.drop(table: "checkpoint")
            try createCheckpointTables(db)
        }
        // A shard's row is written from the rank's first word of it on:
        // copying, staged, then durable or failed (CheckpointShardEvent.State);
        // the copy into the staging pool took copyNs.
        migrator.registerMigration("v14: shard stage before level 1") { db in
            try db.alter(table: "checkpointShard") { t in
                t.add(column: "stage", .integer).notNull().defaults(to: 0)
                t.add(column: "copyNs", .integer).notNull().defaults(to: 0)
            }
            try db.execute(sql: "UPDATE checkpointShard SET stage = CASE WHEN durable THEN 0 ELSE 1 END")
        }
        // What started each attempt, for recovery to start the next alike.
        migrator.registerMigration("v15: run specs") { db in
            try db.alter(table: "run") { t in t.add(column: "spec", .text) }
        }
        // Recoveries (the plan, its timeline and cost as JSON: read whole,
        // by the API and the console) and each job's restart budget, which
        // must hold across a server restart; why a node is cordoned.
        migrator.registerMigration("v16: recovery") { db in
            try db.create(table: "recovery") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("job", .text).notNull()
                t.column("incidentKey", .text).notNull()
                t.column("state", .text).notNull()
                t.column("body", .text).notNull()
                t.column("decidedNs", .integer).notNull()
            }
            try db.create(index: "recoveryByJob", on: "recovery", columns: ["job", "id"])
            try db.create(table: "restartBudget") { t in
                t.primaryKey("job", .text)
                t.column("body", .text).notNull()
            }
            try db.alter(table: "node") { t in t.add(column: "cordonReason", .text) }
        }
        // Each alert's delivery to each target: the last attempt's outcome.
        migrator.registerMigration("v17: alert deliveries") { db in
            try db.create(table: "alertDelivery") { t in
                t.column("key", .text).notNull()
                t.column("target", .text).notNull()
                t.column("action", .text).notNull()
                t.column("job", .text).notNull()
                t.column("delivered", .boolean).notNull()
                t.column("attempts", .integer).notNull()
                t.column("detail", .text).notNull()
                t.column("atNs", .integer).notNull()
                t.primaryKey(["key", "target", "action"])
            }
        }
        // Wire version 7 carries the attempt in rank rows (rewritten by the
        // next report, so old ones are dropped) and checkpoint shards.
        migrator.registerMigration("v18: attempts") { db in
            try db.execute(sql: "DELETE FROM rank")
            try db.alter(table: "rank") { t in t.add(column: "attempt", .integer).notNull().defaults(to: 1) }
            try db.alter(table: "checkpoint") { t in t.add(column: "attempt", .integer).notNull().defaults(to: 0) }
        }
        // Retention weighs only checkpoints with a level not yet asked to be
        // removed; `held` marks them, so it never reads a job's whole history.
        migrator.registerMigration("v19: held checkpoints") { db in
            try db.alter(table: "checkpoint") { t in t.add(column: "held", .boolean).notNull().defaults(to: true) }
            try db.execute(sql: "UPDATE checkpoint SET held = \(SQLiteStore.heldLevelExists)")
            try db.create(index: "checkpoint_held", on: "checkpoint", columns: ["job", "held"])
        }
        // Every summary carries the newest notes: found by kind, not by scanning the timeline.
        migrator.registerMigration("v20: notes") { db in
            try db.create(index: "eventByKind", on: "event", columns: ["kind", "id"])
        }
        // Wire version 8 ends rank rows with the rank's wait profile: rows of
        // version 7 are dropped, rewritten by the next report.
        migrator.registerMigration("v21: wait profiles") { db in
            try db.execute(sql: "DELETE FROM rank")
        }
        // An attempt run as a Slurm job carries its Slurm job id.
        migrator.registerMigration("v22: slurm jobs") { db in
            try db.alter(table: "run") { t in t.add(column: "slurmJob", .integer) }
        }
        return migrator
    }

    /// A checkpoint per (job, step), pinned or not; each rank's shard at each
    /// level as its agent reported it; the manifests the server asked for
    /// (`writers` per level) and those written; retention's removals.
    /// Complete at a level: every writer wrote.
    private static func createCheckpointTables(_ db: Database) throws {
        try db.create(table: "checkpoint") { t in
            t.column("job", .text).notNull()
            t.column("step", .integer).notNull()
            t.column("worldSize", .integer).notNull()
            t.column("startedNs", .integer).notNull()
            t.column("pinned", .boolean).notNull().defaults(to: false)
            t.primaryKey(["job", "step"])
        }
        try db.create(table: "checkpointShard") { t in
            t.column("job", .text).notNull()
            t.column("step", .integer).notNull()
            t.column("level", .integer).notNull()
            t.column("rank", .integer).notNull()
            t.column("node", .text).notNull()
            t.column("root", .text).notNull()
            t.column("durable", .boolean).notNull()
            t.column("bytes", .integer).notNull()
            t.column("checksum", .integer).notNull()
            t.column("durationNs", .integer).notNull()
            t.column("blockedNs", .integer).notNull()
            t.column("detail", .text).notNull()
            t.column("atNs", .integer).notNull()
            t.primaryKey(["job", "step", "level", "rank"])
            t.foreignKey(["job", "step"], references: "checkpoint", onDelete: .cascade)
        }
        try db.create(table: "checkpointCommit") { t in
            t.column("job", .text).notNull()
            t.column("step", .integer).notNull()
            t.column("level", .integer).notNull()
            t.column("writers", .integer).notNull()
            t.column("written", .integer).notNull().defaults(to: 0)
            t.column("failure", .text)
            t.column("committedNs", .integer).notNull()
            t.column("completedNs", .integer)
            t.column("verifiedNs", .integer)
            t.primaryKey(["job", "step", "level"])
            t.foreignKey(["job", "step"], references: "checkpoint", onDelete: .cascade)
        }
        // Retention's removals: asked of `places` agents, done once each said so.
        try db.create(table: "checkpointRemoval") { t in
            t.column("job", .text).notNull()
            t.column("step", .integer).notNull()
            t.column("level", .integer).notNull()
            t.column("places", .integer).notNull()
            t.column("removed", .integer).notNull().defaults(to: 0)
            t.column("askedNs", .integer).notNull()
            t.column("removedNs", .integer)
            t.primaryKey(["job", "step", "level"])
            t.foreignKey(["job", "step"], references: "checkpoint", onDelete: .cascade)
        }
    }

    private static func createTelemetryTables(_ db: Database) throws {
        try db.create(table: "node") { t in
            t.primaryKey("name", .text)
            t.column("lastBatch", .integer).notNull().defaults(to: 0)
            t.column("firstSeenNs", .integer).notNull()
            t.column("lastSeenNs", .integer).notNull()
            t.column("cordoned", .boolean).notNull().defaults(to: false)
            t.column("health", .jsonText)
        }
        try db.create(table: "job") { t in
            t.primaryKey("id", .text)
            t.column("worldSize", .integer).notNull()
            t.column("firstSeenNs", .integer).notNull()
            t.column("lastSeenNs", .integer).notNull()
        }
        try db.create(table: "rank") { t in
            t.column("job", .text).notNull().references("job", onDelete: .cascade)
            t.column("rank", .integer).notNull()
            t.column("node", .text).notNull().references("node")
            t.column("snapshot", .jsonText).notNull()
            t.column("updatedNs", .integer).notNull()
            t.primaryKey(["job", "rank"])
        }
        try db.create(table: "communicator") { t in
            t.column("job", .text).notNull().references("job", onDelete: .cascade)
            t.column("id", .integer).notNull()
            t.column("size", .integer).notNull()
            t.primaryKey(["job", "id"])
        }
        try db.create(table: "statWindow") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("job", .text).notNull()
            t.column("rank", .integer).notNull()
            t.column("communicator", .integer).notNull()
            t.column("op", .integer).notNull()
            t.column("sizeBucket", .integer).notNull()
            t.column("startNs", .integer).notNull()
            t.column("endNs", .integer).notNull()
            t.column("communicatorSize", .integer).notNull()
            t.column("count", .integer).notNull()
            t.column("sumNs", .integer).notNull()
            t.column("minNs", .integer).notNull()
            t.column("maxNs", .integer).notNull()
            t.column("bytes", .integer).notNull()
            t.column("failures", .integer).notNull()
            t.column("histogram", .blob).notNull()
        }
        try db.create(index: "statWindowByJob", on: "statWindow", columns: ["job", "rank", "communicator", "op"])
        try db.create(index: "statWindowByTime", on: "statWindow", columns: ["startNs"])
        try db.create(table: "linkWindow") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("job", .text).notNull()
            t.column("rank", .integer).notNull()
            t.column("peer", .integer).notNull()
            t.column("startNs", .integer).notNull()
            t.column("endNs", .integer).notNull()
            t.column("sent", .integer).notNull()
            t.column("sentBytes", .integer).notNull()
            t.column("sendBusyNs", .integer).notNull()
            t.column("received", .integer).notNull()
            t.column("receivedBytes", .integer).notNull()
            t.column("receiveBusyNs", .integer).notNull()
        }
        try db.create(index: "linkWindowByTime", on: "linkWindow", columns: ["startNs"])
    }

    /// Filled by the launcher, detector and checkpointing as they arrive.
    private static func createOperationsTables(_ db: Database) throws {
        try db.create(table: "run") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("job", .text).notNull().references("job", onDelete: .cascade)
            t.column("attempt", .integer).notNull()
            t.column("hosts", .jsonText).notNull()
            t.column("command", .jsonText).notNull()
            t.column("startedNs", .integer).notNull()
            t.column("endedNs", .integer)
            t.column("exitStatus", .integer)
        }
        try db.create(table: "incident") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("job", .text).notNull()
            t.column("class", .text).notNull()
            t.column("suspects", .jsonText).notNull()
            t.column("confidence", .double).notNull()
            t.column("evidence", .jsonText).notNull()
            t.column("firstSeenNs", .integer).notNull()
            t.column("detectedNs", .integer).notNull()
            t.column("resolvedNs", .integer)
        }
        try db.create(table: "action") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("job", .text).notNull()
            t.column("kind", .text).notNull()
            t.column("target", .text).notNull()
            t.column("reason", .text).notNull()
            t.column("incident", .integer).references("incident")
            t.column("requestedNs", .integer).notNull()
            t.column("outcome", .text)
        }
        try db.create(table: "checkpoint") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("job", .text).notNull()
            t.column("step", .integer).notNull()
            t.column("manifestPath", .text).notNull()
            t.column("state", .text).notNull()
            t.column("bytes", .integer).notNull()
            t.column("startedNs", .integer).notNull()
            t.column("committedNs", .integer)
        }
        try db.create(table: "checkpointShard") { t in
            t.column("checkpoint", .integer).notNull().references("checkpoint", onDelete: .cascade)
            t.column("rank", .integer).notNull()
            t.column("path", .text).notNull()
            t.column("bytes", .integer).notNull()
            t.column("checksum", .text).notNull()
            t.primaryKey(["checkpoint", "rank"])
        }
        try db.create(table: "event") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("wallNs", .integer).notNull()
            t.column("kind", .text).notNull()
            t.column("node", .text)
            t.column("job", .text)
            t.column("message", .text).notNull()
        }
        try db.create(index: "eventByTime", on: "event", columns: ["wallNs"])
    }
}
