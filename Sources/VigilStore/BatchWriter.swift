import Foundation
import GRDB
import VigilCore

/// Writes one batch inside the caller's transaction, with cached prepared
/// statements: the hot path of ingest.
struct BatchWriter {
    let db: Database
    let node: String
    let receivedAtNs: UInt64
    private let encoder = JSONEncoder()

    init(db: Database, node: String, receivedAtNs: UInt64) {
        self.db = db
        self.node = node
        self.receivedAtNs = receivedAtNs
    }

    /// Returns false, writing nothing, for a batch already stored.
    func write(_ batch: TelemetryBatch) throws -> Bool {
        let last = try UInt64.fetchOne(db, sql: "SELECT lastBatch FROM node WHERE name = ?", arguments: [node]) ?? 0
        guard batch.seq > last else { return false }
        try db.execute(sql: """
            INSERT INTO node (name, lastBatch, firstSeenNs, lastSeenNs) VALUES (?, ?, ?, ?)
            ON CONFLICT(name) DO UPDATE SET lastBatch = excluded.lastBatch, lastSeenNs = excluded.lastSeenNs
            """, arguments: [node, batch.seq, receivedAtNs, receivedAtNs])
        for item in batch.items {
            switch item {
            case .health(let health): try write(health)
            case .rank(let rank): try write(rank)
            case .stats(let window): try write(window)
            case .link(let window): try write(window)
            case .loss(let loss): try write(loss)
            case .instances: break  // joined in the server's memory, not stored one by one
            }
        }
        return true
    }

    private func write(_ loss: SpoolLoss) throws {
        try db.cachedStatement(sql: "UPDATE node SET lostBatches = ?, lostRecords = ? WHERE name = ?")
            .execute(arguments: [loss.batches, loss.records, node])
    }

    private func write(_ health: NodeHealth) throws {
        try db.cachedStatement(sql: "UPDATE node SET health = ? WHERE name = ?")
            .execute(arguments: [String(decoding: try encoder.encode(health), as: UTF8.self), node])
    }

    private func write(_ rank: RankSnapshot) throws {
        try seeJob(rank.identity.job, worldSize: rank.identity.worldSize)
        try db.cachedStatement(sql: """
            INSERT INTO rank (job, rank, node, snapshot, updatedNs) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(job, rank) DO UPDATE SET node = excluded.node, snapshot = excluded.snapshot,
                updatedNs = excluded.updatedNs
            """).execute(arguments: [rank.identity.job, rank.identity.rank, node,
                                     String(decoding: try encoder.encode(rank), as: UTF8.self), receivedAtNs])
        let communicator = try db.cachedStatement(sql: """
            INSERT INTO communicator (job, id, size) VALUES (?, ?, ?) ON CONFLICT(job, id) DO NOTHING
            """)
        for progress in rank.progress {
            try communicator.execute(arguments: [rank.identity.job, Int64(bitPattern: progress.communicator), progress.size])
        }
    }

    private func write(_ w: StatWindow) throws {
        var histogram = Data()
        for n in w.histogram.buckets { withUnsafeBytes(of: n.littleEndian) { histogram.append(contentsOf: $0) } }
        try db.cachedStatement(sql: """
            INSERT INTO statWindow (job, rank, communicator, op, sizeBucket, startNs, endNs, communicatorSize,
                count, sumNs, minNs, maxNs, bytes, failures, histogram)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                w.job, w.rank, Int64(bitPattern: w.key.communicator), w.key.op.rawValue, w.key.sizeBucket,
                w.startNs, w.endNs, w.communicatorSize, w.count, w.sumNs, w.count == 0 ? 0 : w.minNs, w.maxNs,
                w.bytes, w.failures, histogram,
            ])
    }

    private func write(_ w: LinkWindow) throws {
        let t = w.traffic
        try db.cachedStatement(sql: """
            INSERT INTO linkWindow (job, rank, peer, startNs, endNs, sent, sentBytes, sendBusyNs,
                received, receivedBytes, receiveBusyNs, records) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [w.job, w.rank, w.peer, w.startNs, w.endNs, t.sent, t.sentBytes, t.sendBusyNs,
                                     t.received, t.receivedBytes, t.receiveBusyNs, t.records])
    }

    private func seeJob(_ job: String, worldSize: Int) throws {
        try db.cachedStatement(sql: """
            INSERT INTO job (id, worldSize, firstSeenNs, lastSeenNs) VALUES (?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET lastSeenNs = excluded.lastSeenNs
            """).execute(arguments: [job, worldSize, receivedAtNs, receivedAtNs])
    }
}
