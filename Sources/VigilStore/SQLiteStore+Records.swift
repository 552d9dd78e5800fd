import GRDB
import VigilCore

/// The cluster-wide reads behind the API: link matrix, timeline, incidents, checkpoints.
extension SQLiteStore {
    public func links(job: String, sinceNs: UInt64) async throws -> [LinkTotal] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT s.node AS src, d.node AS dst, SUM(l.sent) AS messages, SUM(l.sentBytes) AS bytes,
                       SUM(l.sendBusyNs) AS busyNs
                FROM linkWindow l
                JOIN rank s ON s.job = l.job AND s.rank = l.rank
                JOIN rank d ON d.job = l.job AND d.rank = l.peer
                WHERE l.job = ? AND l.endNs > ? AND l.sent > 0
                GROUP BY src, dst ORDER BY src, dst
                """, arguments: [job, Int64(bitPattern: sinceNs)]).map { row in
                LinkTotal(from: row["src"], to: row["dst"], messages: row["messages"], bytes: row["bytes"], busyNs: row["busyNs"])
            }
        }
    }

    public func events(afterID: Int64, limit: Int) async throws -> [ClusterEvent] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM event WHERE id > ? ORDER BY id LIMIT ?", arguments: [afterID, limit]).map {
                ClusterEvent(id: $0["id"], wallNs: $0["wallNs"], kind: $0["kind"], node: $0["node"], job: $0["job"],
                             message: $0["message"])
            }
        }
    }

    public func incidents(job: String?) async throws -> [StoredIncident] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM incident WHERE ?1 IS NULL OR job = ?1 ORDER BY detectedNs DESC, id DESC
                """, arguments: [job]).map {
                StoredIncident(id: $0["id"], job: $0["job"], incidentClass: $0["class"], suspects: $0["suspects"],
                               confidence: $0["confidence"], evidence: $0["evidence"], firstSeenNs: $0["firstSeenNs"],
                               detectedNs: $0["detectedNs"], resolvedNs: $0["resolvedNs"])
            }
        }
    }

    public func checkpoints(job: String?) async throws -> [StoredCheckpoint] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM checkpoint WHERE ?1 IS NULL OR job = ?1 ORDER BY startedNs DESC, id DESC
                """, arguments: [job]).map {
                StoredCheckpoint(id: $0["id"], job: $0["job"], step: $0["step"], manifestPath: $0["manifestPath"],
                                 state: $0["state"], bytes: $0["bytes"], startedNs: $0["startedNs"],
                                 committedNs: $0["committedNs"])
            }
        }
    }

    /// One line of the timeline, inside the caller's transaction.
    static func record(_ db: Database, kind: String, node: String?, job: String?, message: String, atNs: UInt64) throws {
        try db.cachedStatement(sql: "INSERT INTO event (wallNs, kind, node, job, message) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [atNs, kind, node, job, message])
    }
}
