import Foundation
import GRDB
import NIOCore
import VigilCore
import VigilWire

/// The telemetry store on SQLite (through GRDB): WAL mode, so readers (the
/// API) never block the writer (ingest); batches group-committed, each in
/// its own savepoint.
///
/// Durability: `synchronous=NORMAL` in WAL mode keeps every committed batch
/// across a crash of the server process; the server acknowledges a batch
/// only after its transaction committed.
public final class SQLiteStore: TelemetryStore {
    let pool: DatabasePool
    private let writer: GroupCommit

    /// Opens (creating and migrating) the store at `path`; `readOnly`
    /// opens an existing store of the current schema for reading alone,
    /// as a postmortem console does, while its server may still write.
    public init(path: String, readOnly: Bool = false) throws {
        var configuration = Configuration()
        configuration.readonly = readOnly
        configuration.prepareDatabase { db in
            if !readOnly { try db.execute(sql: "PRAGMA synchronous = NORMAL") }
            HistogramFunctions.install(in: db)
        }
        if readOnly {
            guard FileManager.default.fileExists(atPath: path) else { throw StoreError.missing(path) }
            pool = try DatabasePool(path: path, configuration: configuration)
            guard try pool.read({ try StoreMigrations.migrator.hasCompletedMigrations($0) }) else {
                throw StoreError.schemaMismatch(path)
            }
        } else {
            pool = try DatabasePool(path: path, configuration: configuration)
            try StoreMigrations.migrator.migrate(pool)
        }
        writer = GroupCommit(pool: pool)
    }

    public func lastBatch(of node: String) async throws -> UInt64 {
        try await pool.read { db in
            try UInt64.fetchOne(db, sql: "SELECT lastBatch FROM node WHERE name = ?", arguments: [node]) ?? 0
        }
    }

    public func resume(node: String, instance: UInt64, atNs: UInt64) async throws -> UInt64 {
        let stored = Int64(bitPattern: instance)
        return try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO node (name, instance, lastBatch, firstSeenNs, lastSeenNs) VALUES (?, ?, 0, ?, ?)
                ON CONFLICT(name) DO UPDATE SET lastSeenNs = excluded.lastSeenNs,
                    lastBatch = CASE WHEN instance = excluded.instance THEN lastBatch ELSE 0 END,
                    instance = excluded.instance
                """, arguments: [node, stored, atNs, atNs])
            let resumeAfter = try UInt64.fetchOne(db, sql: "SELECT lastBatch FROM node WHERE name = ?", arguments: [node]) ?? 0
            try Self.record(db, kind: "agent.connected", node: node, job: nil,
                            message: "agent connected, resuming after batch \(resumeAfter)", atNs: atNs)
            return resumeAfter
        }
    }

    public func store(_ batch: TelemetryBatch, from node: String, receivedAtNs: UInt64) async throws -> Bool {
        try await writer.store(batch, from: node, receivedAtNs: receivedAtNs)
    }

    public func collectiveTotals(job: String) async throws -> [CollectiveTotal] {
        try await pool.read { db in try Self.totals(db, job: job, table: "statWindow") }
    }

    /// Per rank, communicator and op of `job` in `table` (statWindow or statRollup).
    static func totals(_ db: Database, job: String, table: String) throws -> [CollectiveTotal] {
        try Row.fetchAll(db, sql: """
            SELECT rank, communicator, op, SUM(count) AS total, vigil_histogram_sum(histogram) AS histogram
            FROM \(table) WHERE job = ? GROUP BY rank, communicator, op ORDER BY rank, communicator, op
            """, arguments: [job]).compactMap { row in
            guard let op = CollectiveOp(rawValue: row["op"]) else { return nil }
            let histogram = try HistogramFunctions.decode(row["histogram"])
            return CollectiveTotal(job: job, rank: row["rank"], communicator: UInt64(bitPattern: row["communicator"]),
                                   op: op, count: row["total"], p50Ns: histogram.quantile(0.5),
                                   p99Ns: histogram.quantile(0.99))
        }
    }

    public func accounts(job: String) async throws -> [RankAccount] {
        let stored = try await pool.read { db -> [Int: UInt64] in
            let rows = try Row.fetchAll(db, sql: """
                SELECT rank, SUM(n) AS n FROM (
                    SELECT rank, SUM(count) AS n FROM statWindow WHERE job = ? GROUP BY rank
                    UNION ALL
                    SELECT rank, SUM(records) AS n FROM linkWindow WHERE job = ? GROUP BY rank)
                GROUP BY rank
                """, arguments: [job, job])
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["rank"], $0["n"]) })
        }
        return try await ranks(job: job).map { rank in
            let c = rank.snapshot.counters
            return RankAccount(job: job, rank: rank.snapshot.identity.rank, node: rank.node, produced: c.produced,
                               droppedAtRank: c.dropped, pending: c.pending, stored: stored[rank.snapshot.identity.rank] ?? 0)
        }
    }

    public func nodes() async throws -> [NodeSummary] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT name, lastBatch, lastSeenNs, health, lostBatches, lostRecords, cordoned, cordonReason FROM node ORDER BY name
                """).map { row in
                let health: Data? = row["health"]
                return NodeSummary(name: row["name"], lastBatch: row["lastBatch"], lastSeenNs: row["lastSeenNs"],
                                   health: try health.map { data in
                                       var buffer = ByteBuffer(bytes: data)
                                       return try buffer.readNodeHealth()
                                   },
                                   loss: SpoolLoss(batches: row["lostBatches"], records: row["lostRecords"]),
                                   cordoned: row["cordoned"], cordonReason: row["cordonReason"])
            }
        }
    }

    public func runs(job: String?) async throws -> [JobRun] {
        try await runs(where: "?1 IS NULL OR job = ?1", arguments: [job])
    }

    public func runningRuns() async throws -> [JobRun] {
        try await runs(where: "state = ?1", arguments: [JobRun.State.running.rawValue])
    }

    private func runs(where filter: String, arguments: StatementArguments) async throws -> [JobRun] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM run WHERE \(filter) ORDER BY startedNs, job, attempt",
                             arguments: arguments).map { row in
                let json = JSONDecoder()
                return JobRun(job: row["job"], attempt: row["attempt"], node: row["node"],
                              hosts: try json.decode([HostSlots].self, from: Data((row["hosts"] as String).utf8)),
                              command: try json.decode([String].self, from: Data((row["command"] as String).utf8)),
                              state: JobRun.State(rawValue: row["state"]) ?? .running, startedNs: row["startedNs"],
                              endedNs: row["endedNs"], exitStatus: row["exitStatus"], stdoutTail: row["stdoutTail"],
                              stderrTail: row["stderrTail"], slurmJob: row["slurmJob"])
            }
        }
    }

    public func saveRun(_ run: JobRun, atNs: UInt64) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO job (id, worldSize, firstSeenNs, lastSeenNs) VALUES (?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET lastSeenNs = excluded.lastSeenNs
                """, arguments: [run.job, run.hosts.reduce(0) { $0 + $1.slots }, atNs, atNs])
            try BatchWriter.write(run, db, atNs: atNs)
        }
    }

    /// What started `job`'s attempt, as its agent (or the server) recorded it.
    public func runSpec(job: String, attempt: Int) async throws -> RunSpec? {
        try await pool.read { db in
            guard let text = try String.fetchOne(db, sql: "SELECT spec FROM run WHERE job = ? AND attempt = ?",
                                                 arguments: [job, attempt]) else { return nil }
            return try JSONDecoder().decode(RunSpec.self, from: Data(text.utf8))
        }
    }

    public func setCordoned(_ node: String, _ cordoned: Bool, reason: String?, atNs: UInt64) async throws -> Bool {
        try await pool.write { db in
            let before = try Bool.fetchOne(db, sql: "SELECT cordoned FROM node WHERE name = ?", arguments: [node])
            try db.execute(sql: """
                INSERT INTO node (name, firstSeenNs, lastSeenNs, cordoned, cordonReason) VALUES (?, ?, 0, ?, ?)
                ON CONFLICT(name) DO UPDATE SET cordoned = excluded.cordoned, cordonReason = excluded.cordonReason
                """, arguments: [node, atNs, cordoned, cordoned ? reason : nil])
            if before != cordoned {
                try Self.record(db, kind: cordoned ? "node.cordoned" : "node.uncordoned", node: node, job: nil,
                                message: cordoned ? "cordoned: launches keep off" + (reason.map { " (\($0))" } ?? "")
                                    : "uncordoned", atNs: atNs)
            }
            return before != cordoned
        }
    }

    public func ranks(job: String?) async throws -> [StoredRank] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT node, state, updatedNs FROM rank WHERE ?1 IS NULL OR job = ?1 ORDER BY job, rank
                """, arguments: [job]).map { row in
                let state: Data = row["state"]
                var buffer = ByteBuffer(bytes: state)
                return StoredRank(node: row["node"], snapshot: try buffer.readRankSnapshot(), updatedNs: row["updatedNs"])
            }
        }
    }
}

public enum StoreError: Error, CustomStringConvertible {
    case missing(String)
    case schemaMismatch(String)

    public var description: String {
        switch self {
        case .missing(let path): "no store at \(path)"
        case .schemaMismatch(let path):
            "the store at \(path) is of another version of vigil (its schema is not this one's): open it with that version"
        }
    }
}
