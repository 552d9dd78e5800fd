import GRDB
import VigilCore

extension SQLiteStore {
    public func recordAlertDelivery(key: String, job: String, target: String, action: String, delivered: Bool, attempts: Int,
                                    detail: String, atNs: UInt64) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO alertDelivery (key, target, action, job, delivered, attempts, detail, atNs)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [key, target, action, job, delivered, attempts, detail, atNs])
            try Self.record(db, kind: delivered ? "alert.delivered" : "alert.failed", node: nil, job: job,
                            message: "\(action) of \(key) to \(target) " + (delivered ? "delivered (attempt \(attempts))"
                                                                            : "not delivered after \(attempts) attempts: \(detail)"),
                            atNs: atNs)
        }
    }
}
