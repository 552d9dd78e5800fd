import CSQLite
import Foundation
import GRDB
import NIOCore
import VigilCore
import VigilWire

/// Writes one batch inside the caller's transaction, with cached prepared
/// statements: the hot path of ingest.
struct BatchWriter {
    let db: Database
    let node: String
    let receivedAtNs: UInt64
    /// Communicators already in the table (the writer's memory, not the truth).
    let known: KnownCommunicators

    init(db: Database, node: String, receivedAtNs: UInt64, known: KnownCommunicators) {
        self.db = db
        self.node = node
        self.receivedAtNs = receivedAtNs
        self.known = known
    }

    /// Returns false, writing nothing, for a batch already stored.
    func write(_ batch: TelemetryBatch) throws -> Bool {
        let last = try UInt64.fetchOne(db, sql: "SELECT lastBatch FROM node WHERE name = ?", arguments: [node]) ?? 0
        guard batch.seq > last else { return false }
        try db.execute(sql: """
            INSERT INTO node (name, lastBatch, firstSeenNs, lastSeenNs) VALUES (?, ?, ?, ?)
            ON CONFLICT(name) DO UPDATE SET lastBatch = excluded.lastBatch, lastSeenNs = excluded.lastSeenNs
            """, arguments: [node, batch.seq, receivedAtNs, receivedAtNs])
        var windows: [StatWindow] = []
        var jobsSeen: Set<String> = []
        for item in batch.items {
            switch item {
            case .health(let health): try write(health)
            case .rank(let rank):
                if jobsSeen.insert(rank.identity.job).inserted {  // once per job and batch
                    try seeJob(rank.identity.job, worldSize: rank.identity.worldSize)
                }
                try write(rank)
            case .stats(let window): windows.append(window)
            case .link(let window): try write(window)
            case .loss(let loss): try write(loss)
            case .instances: break  // joined in the server's memory, not stored one by one
            case .run(let run): try write(run)
            case .probe(let probe): try write(probe)
            case .checkpointShard(let event): try write(event)
            case .checkpointManifest(let event): try write(event)
            case .jobControl(let reply): try write(reply)
            }
        }
        try write(windows)
        return true
    }

    /// What an agent did with a job the server asked it to stop or start: on the timeline.
    private func write(_ reply: JobControlReply) throws {
        let what = reply.action == .stop ? "stopped" : "started"
        let message = reply.ok
            ? "attempt \(reply.attempt) \(what)" + (reply.action == .stop ? " (\(reply.ranks) ranks here, mpirun \(reply.mpirun ? "here" : "elsewhere"))" : "")
            : "attempt \(reply.attempt) not \(what): \(reply.detail)"
        try SQLiteStore.record(db, kind: "job.\(reply.ok ? what : "\(reply.action == .stop ? "stop" : "start").failed")", node: node,
                               job: reply.job, message: message, atNs: reply.atNs)
    }

    /// Probes are rare (asked for during an incident): the timeline keeps
    /// each, the linkProbe table the latest of each pair.
    private func write(_ probe: LinkProbe) throws {
        try db.cachedStatement(sql: """
            INSERT INTO linkProbe (job, fromNode, toNode, rttNs, bytes, transferNs, atNs) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(job, fromNode, toNode) DO UPDATE SET rttNs = excluded.rttNs, bytes = excluded.bytes,
                transferNs = excluded.transferNs, atNs = excluded.atNs WHERE excluded.atNs >= linkProbe.atNs
            """).execute(arguments: [probe.job, probe.from, probe.to, probe.rttNs, probe.bytes, probe.transferNs, probe.atNs])
        let result = probe.answered
            ? String(format: "%.1f MB/s, rtt %.2f ms", probe.bytesPerSecond / 1e6, Double(probe.rttNs) / 1e6)
            : "no answer"
        try SQLiteStore.record(db, kind: "link.probe", node: probe.from, job: probe.job,
                               message: "\(probe.from) → \(probe.to): \(result)", atNs: probe.atNs)
    }

    private func write(_ loss: SpoolLoss) throws {
        try db.cachedStatement(sql: "UPDATE node SET lostBatches = ?, lostRecords = ? WHERE name = ?")
            .execute(arguments: [loss.batches, loss.records, node])
    }

    private func write(_ health: NodeHealth) throws {
        var encoded = ByteBuffer()
        encoded.writeNodeHealth(health)
        try db.cachedStatement(sql: "UPDATE node SET health = ? WHERE name = ?")
            .execute(arguments: [Data(encoded.readableBytesView), node])
    }

    private func write(_ rank: RankSnapshot) throws {
        var state = ByteBuffer()
        state.writeRankSnapshot(rank)
        try db.cachedStatement(sql: """
            INSERT INTO rank (job, rank, node, state, updatedNs, pid, running, attempt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(job, rank) DO UPDATE SET node = excluded.node, state = excluded.state,
                updatedNs = excluded.updatedNs, pid = excluded.pid, running = excluded.running, attempt = excluded.attempt
            WHERE excluded.attempt > rank.attempt OR excluded.attempt = rank.attempt
                AND (excluded.running OR NOT rank.running OR (rank.pid = excluded.pid AND rank.node = excluded.node))
            """).execute(arguments: [rank.identity.job, rank.identity.rank, node, Data(state.readableBytesView),
                                     receivedAtNs, rank.identity.pid, rank.status.isAlive, rank.identity.attempt])
        let communicator = try db.cachedStatement(sql: """
            INSERT INTO communicator (job, id, size) VALUES (?, ?, ?) ON CONFLICT(job, id) DO NOTHING
            """)
        for progress in rank.progress where known.insert(job: rank.identity.job, id: progress.communicator) {
            try communicator.execute(arguments: [rank.identity.job, Int64(bitPattern: progress.communicator), progress.size])
        }
    }

    /// Stat windows are most of the rows: one prepared statement, bound
    /// through the sqlite3 API directly (GRDB's argument boxing costs about
    /// half the insert rate here, measured by `vigil-bench store`).
    private func write(_ windows: [StatWindow]) throws {
        guard !windows.isEmpty else { return }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO statWindow (job, rank, communicator, op, sizeBucket, startNs, endNs, communicatorSize,
                count, sumNs, minNs, maxNs, bytes, failures, histogram)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let raw = statement.sqliteStatement
        var histogram = ByteBuffer()
        for index in windows.indices {  // windows[index], read in place: no 600-byte copy per row
            sqlite3_bind_text(raw, 1, windows[index].job, -1, vigil_sqlite_transient())
            windows[index].bindIntegers(raw)
            histogram.clear()
            histogram.writeHistogram(windows[index].histogram)
            histogram.withUnsafeReadableBytes { bytes in
                _ = sqlite3_bind_blob(raw, 15, bytes.baseAddress, Int32(bytes.count), vigil_sqlite_transient())
            }
            let rc = sqlite3_step(raw)
            sqlite3_reset(raw)
            guard rc == SQLITE_DONE else { throw DatabaseError(resultCode: ResultCode(rawValue: rc)) }
        }
    }

    private func write(_ w: LinkWindow) throws {
        let t = w.traffic
        try db.cachedStatement(sql: """
            INSERT INTO linkWindow (job, rank, peer, startNs, endNs, sent, sentBytes, sendBusyNs,
                received, receivedBytes, receiveBusyNs, records) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [w.job, w.rank, w.peer, w.startNs, w.endNs, t.sent, t.sentBytes, t.sendBusyNs,
                                     t.received, t.receivedBytes, t.receiveBusyNs, t.records])
    }

    private func write(_ run: JobRun) throws {
        try seeJob(run.job, worldSize: run.hosts.reduce(0) { $0 + $1.slots })
        try Self.write(run, db, atNs: receivedAtNs)
    }

    /// One attempt's row (an event on the timeline when its state changes),
    /// as its agent or the server's Slurm backend reports it.
    static func write(_ run: JobRun, _ db: Database, atNs: UInt64) throws {
        let before = try String.fetchOne(db, sql: "SELECT state FROM run WHERE job = ? AND attempt = ?",
                                         arguments: [run.job, run.attempt])
        if before != run.state.rawValue {
            let how = run.state == .running ? "started on \(run.hosts.count) hosts"
                : run.exitStatus.map { "\(run.state.rawValue), exit status \($0)" } ?? "\(run.state.rawValue) by a signal"
            let slurm = run.slurmJob.map { " (Slurm job \($0))" } ?? ""
            try SQLiteStore.record(db, kind: "run.\(run.state.rawValue)", node: run.node, job: run.job,
                                   message: "attempt \(run.attempt) \(how)\(slurm)", atNs: atNs)
        }
        let json = JSONEncoder()
        try db.cachedStatement(sql: """
            INSERT INTO run (job, attempt, node, hosts, command, state, startedNs, endedNs, exitStatus,
                stdoutTail, stderrTail, updatedNs, spec, slurmJob) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(job, attempt) DO UPDATE SET node = excluded.node, state = excluded.state,
                spec = COALESCE(excluded.spec, run.spec), slurmJob = COALESCE(excluded.slurmJob, run.slurmJob),
                endedNs = excluded.endedNs, exitStatus = excluded.exitStatus, stdoutTail = excluded.stdoutTail,
                stderrTail = excluded.stderrTail, updatedNs = excluded.updatedNs
            """).execute(arguments: [
                run.job, run.attempt, run.node, String(decoding: try json.encode(run.hosts), as: UTF8.self),
                String(decoding: try json.encode(run.command), as: UTF8.self), run.state.rawValue, run.startedNs,
                run.endedNs, run.exitStatus, run.stdoutTail, run.stderrTail, atNs,
                try run.spec.map { String(decoding: try json.encode($0), as: UTF8.self) }, run.slurmJob,
            ])
    }

    private func seeJob(_ job: String, worldSize: Int) throws {
        try db.cachedStatement(sql: """
            INSERT INTO job (id, worldSize, firstSeenNs, lastSeenNs) VALUES (?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET lastSeenNs = excluded.lastSeenNs
            """).execute(arguments: [job, worldSize, receivedAtNs, receivedAtNs])
    }
}

extension StatWindow {
    /// Parameters 2...14 of the statWindow insert, in column order.
    func bindIntegers(_ statement: OpaquePointer?) {
        sqlite3_bind_int64(statement, 2, Int64(rank))
        sqlite3_bind_int64(statement, 3, Int64(bitPattern: key.communicator))
        sqlite3_bind_int64(statement, 4, Int64(key.op.rawValue))
        sqlite3_bind_int64(statement, 5, Int64(key.sizeBucket))
        sqlite3_bind_int64(statement, 6, Int64(bitPattern: startNs))
        sqlite3_bind_int64(statement, 7, Int64(bitPattern: endNs))
        sqlite3_bind_int64(statement, 8, Int64(communicatorSize))
        sqlite3_bind_int64(statement, 9, Int64(bitPattern: count))
        sqlite3_bind_int64(statement, 10, Int64(bitPattern: sumNs))
        sqlite3_bind_int64(statement, 11, Int64(bitPattern: count == 0 ? 0 : minNs))
        sqlite3_bind_int64(statement, 12, Int64(bitPattern: maxNs))
        sqlite3_bind_int64(statement, 13, Int64(bitPattern: bytes))
        sqlite3_bind_int64(statement, 14, Int64(bitPattern: failures))
    }
}

/// Which (job, communicator) rows exist, so each heartbeat does not upsert
/// them again. Only the group-commit writer touches it.
final class KnownCommunicators: @unchecked Sendable {
    private var seen: Set<String> = []

    /// True the first time.
    func insert(job: String, id: UInt64) -> Bool { seen.insert("\(job)/\(id)").inserted }
}
