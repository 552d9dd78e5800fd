import Foundation
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
            try Row.fetchAll(db, sql: "SELECT * FROM event WHERE id > ? ORDER BY id LIMIT ?", arguments: [afterID, limit]).map(Self.event)
        }
    }

    private static func event(_ row: Row) -> ClusterEvent {
        ClusterEvent(id: row["id"], wallNs: row["wallNs"], kind: row["kind"], node: row["node"], job: row["job"], message: row["message"])
    }

    public func addNote(_ note: OperatorNote, atNs: UInt64) async throws -> ClusterEvent {
        try await pool.write { db in
            try Self.record(db, kind: OperatorNote.kind, node: note.node, job: note.job, message: note.text, atNs: atNs)
            return ClusterEvent(id: db.lastInsertedRowID, wallNs: atNs, kind: OperatorNote.kind, node: note.node, job: note.job,
                                message: note.text)
        }
    }

    public func latestNotes(limit: Int) async throws -> [ClusterEvent] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM event WHERE kind = ? ORDER BY id DESC LIMIT ?",
                             arguments: [OperatorNote.kind, limit]).map(Self.event)
        }
    }

    public func incidents(job: String?, limit: Int) async throws -> [StoredIncident] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM incident WHERE ?1 IS NULL OR job = ?1 ORDER BY detectedNs DESC, id DESC LIMIT ?2
                """, arguments: [job, Int64(min(limit, Int(Int64.max)))]).map(Self.incident)
        }
    }

    private static func incident(_ row: Row) throws -> StoredIncident {
        let decoder = JSONDecoder()
        guard let incidentClass = Incident.Class(rawValue: row["class"]) else {
            throw DatabaseError(message: "incident \(row["id"] as Int64) has an unknown class \(row["class"] as String)")
        }
        let incident = Incident(
            job: row["job"], incidentClass: incidentClass,
            suspects: try decoder.decode([Incident.Suspect].self, from: Data((row["suspects"] as String).utf8)),
            confidence: row["confidence"],
            evidence: try decoder.decode(Incident.Evidence.self, from: Data((row["evidence"] as String).utf8)),
            firstSeenNs: row["firstSeenNs"], detectedNs: row["detectedNs"], resolvedNs: row["resolvedNs"])
        return StoredIncident(id: row["id"], incident: incident)
    }

    public func saveIncidents(_ incidents: [Incident], atNs: UInt64) async throws {
        guard !incidents.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try await pool.write { db in
            for incident in incidents {
                let suspects = String(decoding: try encoder.encode(incident.suspects), as: UTF8.self)
                let evidence = String(decoding: try encoder.encode(incident.evidence), as: UTF8.self)
                try db.execute(sql: """
                    UPDATE incident SET suspects = ?, confidence = ?, evidence = ?, firstSeenNs = ?, resolvedNs = ?
                    WHERE key = ? AND resolvedNs IS NULL
                    """, arguments: [suspects, incident.confidence, evidence, incident.firstSeenNs, incident.resolvedNs, incident.key])
                let existed = db.changesCount > 0
                if !existed, incident.resolvedNs == nil {
                    try db.execute(sql: """
                        INSERT INTO incident (key, job, class, suspects, confidence, evidence, firstSeenNs, detectedNs)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [incident.key, incident.job, incident.incidentClass.rawValue, suspects,
                                        incident.confidence, evidence, incident.firstSeenNs, incident.detectedNs])
                    try Self.record(db, kind: "incident.raised", node: incident.suspects.first?.node, job: incident.job,
                                    message: "\(incident.headline): \(incident.evidence.summary)", atNs: incident.detectedNs)
                } else if existed, let resolved = incident.resolvedNs {
                    try Self.record(db, kind: "incident.resolved", node: incident.suspects.first?.node, job: incident.job,
                                    message: incident.headline, atNs: resolved)
                }
            }
        }
    }

    public func resolveOpenIncidents(atNs: UInt64) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "UPDATE incident SET resolvedNs = ? WHERE resolvedNs IS NULL", arguments: [atNs])
            return db.changesCount
        }
    }

    /// One line of the timeline, inside the caller's transaction.
    static func record(_ db: Database, kind: String, node: String?, job: String?, message: String, atNs: UInt64) throws {
        try db.cachedStatement(sql: "INSERT INTO event (wallNs, kind, node, job, message) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [atNs, kind, node, job, message])
    }
}
