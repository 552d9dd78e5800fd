import GRDB
import VigilCore

/// Roll-ups and retention: raw stat windows are summed into one-minute
/// roll-ups as they arrive (by row id, so batches replayed late are not
/// missed), then deleted after `rawKeepNs`; roll-ups after `rollupKeepNs`.
extension SQLiteStore {
    public func applyRetention(nowNs: UInt64, rawKeepNs: UInt64, rollupKeepNs: UInt64) async throws -> RetentionReport {
        try await pool.write { db in
            let rolled = try Self.rollUp(db)
            try db.execute(sql: "DELETE FROM statWindow WHERE endNs < ?", arguments: [Int64(nowNs - min(nowNs, rawKeepNs))])
            let raw = db.changesCount
            try db.execute(sql: "DELETE FROM linkWindow WHERE endNs < ?", arguments: [Int64(nowNs - min(nowNs, rawKeepNs))])
            try db.execute(sql: "DELETE FROM statRollup WHERE minuteNs < ?", arguments: [Int64(nowNs - min(nowNs, rollupKeepNs))])
            return RetentionReport(rolledUp: rolled, rawDeleted: raw, rollupsDeleted: db.changesCount)
        }
    }

    /// Sum every window not yet rolled up into its minute; returns how many.
    private static func rollUp(_ db: Database) throws -> Int {
        let done = try Int64.fetchOne(db, sql: "SELECT value FROM storeState WHERE key = 'rolledUpThroughId'") ?? 0
        guard let last = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM statWindow"), last > done else { return 0 }
        try db.execute(sql: """
            INSERT INTO statRollup (job, rank, communicator, op, sizeBucket, minuteNs, count, sumNs, minNs, maxNs, bytes, failures,
                                    histogram)
            SELECT job, rank, communicator, op, sizeBucket, startNs / 60000000000 * 60000000000,
                   SUM(count), SUM(sumNs), MIN(minNs), MAX(maxNs), SUM(bytes), SUM(failures),
                   vigil_histogram_sum(histogram)
            FROM statWindow WHERE id > ? AND id <= ?
            GROUP BY job, rank, communicator, op, sizeBucket, startNs / 60000000000
            ON CONFLICT DO UPDATE SET count = count + excluded.count, sumNs = sumNs + excluded.sumNs,
                minNs = MIN(minNs, excluded.minNs), maxNs = MAX(maxNs, excluded.maxNs),
                bytes = bytes + excluded.bytes, failures = failures + excluded.failures,
                histogram = vigil_histogram_merge(histogram, excluded.histogram)
            """, arguments: [done, last])
        try db.execute(sql: """
            INSERT INTO storeState (key, value) VALUES ('rolledUpThroughId', ?)
            ON CONFLICT(key) DO UPDATE SET value = excluded.value
            """, arguments: [last])
        return Int(last - done)
    }

    /// Collectives in the one-minute roll-ups, per job, rank, communicator and op.
    public func rolledUpTotals(job: String) async throws -> [CollectiveTotal] {
        try await pool.read { db in try Self.totals(db, job: job, table: "statRollup") }
    }
}
