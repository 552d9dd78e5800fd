import Foundation
import GRDB
import VigilCore
import VigilRecovery

extension SQLiteStore: RecoveryStore {
    public func saveRecovery(_ recovery: StoredRecovery) async throws -> Int64 {
        let json = String(decoding: try JSONEncoder().encode(recovery), as: UTF8.self)
        return try await pool.write { db in
            if recovery.id > 0 {
                try db.execute(sql: "UPDATE recovery SET state = ?, body = ? WHERE id = ?",
                               arguments: [recovery.state.rawValue, json, recovery.id])
                return recovery.id
            }
            try db.execute(sql: "INSERT INTO recovery (job, incidentKey, state, body, decidedNs) VALUES (?, ?, ?, ?, ?)",
                           arguments: [recovery.job, recovery.incidentKey, recovery.state.rawValue, json, recovery.decidedNs])
            let id = db.lastInsertedRowID
            try Self.record(db, kind: "recovery.\(recovery.state.rawValue)", node: nil, job: recovery.job,
                            message: "recovery \(id) for \(recovery.incidentKey): " + (recovery.why.last ?? ""),
                            atNs: recovery.decidedNs)
            return id
        }
    }

    public func recoveries(job: String?) async throws -> [StoredRecovery] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, body FROM recovery WHERE ?1 IS NULL OR job = ?1 ORDER BY id DESC LIMIT 1000",
                             arguments: [job]).map { row in
                var recovery = try JSONDecoder().decode(StoredRecovery.self, from: Data((row["body"] as String).utf8))
                recovery.id = row["id"]
                return recovery
            }
        }
    }

    public func restartBudget(job: String) async throws -> RestartBudget {
        try await pool.read { db in
            guard let body = try String.fetchOne(db, sql: "SELECT body FROM restartBudget WHERE job = ?", arguments: [job])
            else { return RestartBudget() }
            return try JSONDecoder().decode(RestartBudget.self, from: Data(body.utf8))
        }
    }

    public func saveRestartBudget(_ budget: RestartBudget, job: String) async throws {
        let body = String(decoding: try JSONEncoder().encode(budget), as: UTF8.self)
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO restartBudget (job, body) VALUES (?, ?) ON CONFLICT(job) DO UPDATE SET body = excluded.body",
                           arguments: [job, body])
        }
    }
}
