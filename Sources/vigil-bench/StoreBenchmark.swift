import CSQLite
import Foundation
import NIOCore
import VigilCore
import VigilStore
import VigilWire

/// Store writes through SQLiteStore (GRDB, one transaction per batch)
/// against a raw sqlite3 prepared-statement loop inserting the same rows
/// into the same table, same journal settings, in the same run.
struct StoreBenchmark {
    let windows: Int
    let perBatch: Int

    /// Three interleaved rounds, each on fresh files; the median of each
    /// side, as one round alone varies by ±20% here (page cache, file growth).
    func run() async throws {
        let directory = NSTemporaryDirectory() + "vigil-store-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let batches = makeBatches()
        var storeRates: [Double] = [], rawRates: [Double] = []
        for round in 0..<3 {
            let store = try SQLiteStore(path: directory + "/vigil-\(round).sqlite")
            let start = DispatchTime.now().uptimeNanoseconds
            for batch in batches { _ = try await store.store(batch, from: "bench", receivedAtNs: 1) }
            storeRates.append(Double(windows) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9))
            let rawNs = try rawLoop(path: directory + "/raw-\(round).sqlite", batches: batches)
            rawRates.append(Double(windows) / (Double(rawNs) / 1e9))
        }
        let storeRate = storeRates.sorted()[1], rawRate = rawRates.sorted()[1]
        print(String(format: "store_writes rows %d per_txn %d vigil_rows_per_s %.0f raw_sqlite3_rows_per_s %.0f ratio %.2f goal_ratio 0.80",
                     windows, perBatch, storeRate, rawRate, storeRate / rawRate))
    }

    private func makeBatches() -> [TelemetryBatch] {
        (0..<(windows / perBatch)).map { b in
            let items = (0..<perBatch).map { i -> TelemetryItem in
                var w = StatWindow(job: "bench", rank: i % 64, key: .init(communicator: 1, op: .allreduce, sizeBucket: 20),
                                   startNs: UInt64(b) * 1_000_000_000, endNs: UInt64(b + 1) * 1_000_000_000)
                w.add(CollectiveRecord(op: .allreduce, communicator: 1, seq: 1, enterNs: 0, exitNs: 25_000,
                                       bytes: 1 << 20, communicatorSize: 64))
                return .stats(w)
            }
            return TelemetryBatch(seq: UInt64(b + 1), items: items)
        }
    }

    /// The baseline: sqlite3 C API, WAL + synchronous=NORMAL, one prepared
    /// INSERT, one transaction per batch — what a hand-written writer does.
    private func rawLoop(path: String, batches: [TelemetryBatch]) throws -> UInt64 {
        var db: OpaquePointer?
        guard sqlite3_open(path, &db) == SQLITE_OK else { throw BenchError.sqlite("open") }
        defer { sqlite3_close(db) }
        for sql in ["PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL", """
            CREATE TABLE statWindow (id INTEGER PRIMARY KEY AUTOINCREMENT, job TEXT NOT NULL, rank INTEGER NOT NULL,
              communicator INTEGER NOT NULL, op INTEGER NOT NULL, sizeBucket INTEGER NOT NULL, startNs INTEGER NOT NULL,
              endNs INTEGER NOT NULL, communicatorSize INTEGER NOT NULL, count INTEGER NOT NULL, sumNs INTEGER NOT NULL,
              minNs INTEGER NOT NULL, maxNs INTEGER NOT NULL, bytes INTEGER NOT NULL, failures INTEGER NOT NULL,
              histogram BLOB NOT NULL)
            """, "CREATE INDEX statWindowByJob ON statWindow (job, rank, communicator, op)",
            "CREATE INDEX statWindowByTime ON statWindow (startNs)"] {
            guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else { throw BenchError.sqlite(sql) }
        }
        var insert: OpaquePointer?
        sqlite3_prepare_v2(db, """
            INSERT INTO statWindow (job, rank, communicator, op, sizeBucket, startNs, endNs, communicatorSize,
              count, sumNs, minNs, maxNs, bytes, failures, histogram) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
            """, -1, &insert, nil)
        defer { sqlite3_finalize(insert) }
        let start = DispatchTime.now().uptimeNanoseconds
        for batch in batches {
            sqlite3_exec(db, "BEGIN", nil, nil, nil)
            var histogram = ByteBuffer()
            for case .stats(let w) in batch.items {
                histogram.clear()
                histogram.writeHistogram(w.histogram)
                sqlite3_bind_text(insert, 1, w.job, -1, vigil_sqlite_transient())
                for (column, value) in [w.rank, Int(w.key.communicator), Int(w.key.op.rawValue), Int(w.key.sizeBucket),
                                        Int(w.startNs), Int(w.endNs), Int(w.communicatorSize), Int(w.count), Int(w.sumNs),
                                        Int(w.minNs), Int(w.maxNs), Int(w.bytes), Int(w.failures)].enumerated() {
                    sqlite3_bind_int64(insert, Int32(column + 2), Int64(value))
                }
                histogram.withUnsafeReadableBytes { bytes in
                    _ = sqlite3_bind_blob(insert, 15, bytes.baseAddress, Int32(bytes.count), vigil_sqlite_transient())
                }
                guard sqlite3_step(insert) == SQLITE_DONE else { throw BenchError.sqlite("insert") }
                sqlite3_reset(insert)
            }
            sqlite3_exec(db, "COMMIT", nil, nil, nil)
        }
        return DispatchTime.now().uptimeNanoseconds - start
    }
}

enum BenchError: Error {
    case sqlite(String)
}
