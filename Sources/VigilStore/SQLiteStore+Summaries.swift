import Foundation
import GRDB
import VigilCore

/// The reads behind the console: probes, a job's recent collectives summed
/// over its ranks, the timeline's newest event.
extension SQLiteStore {
    public func probes(job: String) async throws -> [LinkProbe] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM linkProbe WHERE job = ? ORDER BY fromNode, toNode", arguments: [job]).map {
                LinkProbe(job: job, from: $0["fromNode"], to: $0["toNode"], rttNs: $0["rttNs"], bytes: $0["bytes"],
                          transferNs: $0["transferNs"], atNs: $0["atNs"])
            }
        }
    }

    public func latestEventID() async throws -> Int64 {
        try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM event") ?? 0 }
    }

    public func collectiveSummaries(job: String, sinceNs: UInt64) async throws -> [CollectiveSummary] {
        let perRank = try await pool.read { db in
            // The time index first: the window is seconds, a job's rows are hours.
            try Row.fetchAll(db, sql: """
                SELECT communicator, op, rank, SUM(count) AS calls, SUM(sumNs) AS timeNs, SUM(bytes) AS bytes,
                       MAX(communicatorSize) AS size, vigil_histogram_sum(histogram) AS histogram
                FROM statWindow WHERE startNs > ? AND job = ? GROUP BY communicator, op, rank
                """, arguments: [Int64(bitPattern: sinceNs), job]).map { row in
                (communicator: UInt64(bitPattern: row["communicator"]), op: CollectiveOp(rawValue: row["op"]),
                 rank: row["rank"] as Int, calls: row["calls"] as UInt64, timeNs: row["timeNs"] as UInt64,
                 bytes: row["bytes"] as UInt64, size: row["size"] as Int,
                 histogram: try HistogramFunctions.decode(row["histogram"]))
            }
        }
        struct Key: Hashable { var communicator: UInt64, op: CollectiveOp }
        return Dictionary(grouping: perRank.compactMap { r in r.op.map { (Key(communicator: r.communicator, op: $0), r) } },
                          by: \.0).map { key, rows in
            var histogram = DurationHistogram()
            for (_, r) in rows { histogram.merge(r.histogram) }
            let means = rows.filter { $0.1.calls > 0 }.map { (rank: $0.1.rank, meanNs: $0.1.timeNs / $0.1.calls) }
            let last = means.min { ($0.meanNs, $0.rank) < ($1.meanNs, $1.rank) }
            let others = means.filter { $0.rank != last?.rank }.map(\.meanNs)
            let size = rows.map(\.1.size).max() ?? 0
            let timeNs = rows.reduce(UInt64(0)) { $0 + $1.1.timeNs }, bytes = rows.reduce(UInt64(0)) { $0 + $1.1.bytes }
            return CollectiveSummary(
                communicator: key.communicator, op: key.op, size: size, ranks: rows.count,
                calls: rows.map(\.1.calls).max() ?? 0, p50Ns: histogram.quantile(0.5), p99Ns: histogram.quantile(0.99),
                busBandwidth: StatWindow.busBandwidth(key.op, members: size, bytes: bytes, timeNs: timeNs),
                lastArriver: means.count > 1 ? last?.rank : nil, lastArriverMeanNs: last?.meanNs ?? 0,
                othersMeanNs: others.isEmpty ? 0 : others.reduce(0, +) / UInt64(others.count))
        }.sorted { ($0.communicator, $0.op.rawValue) < ($1.communicator, $1.op.rawValue) }
    }
}

extension SQLiteStore {
    /// When the newest stat window began (0 with none): "now" for a store read after the fact.
    public func newestWindowNs() async throws -> UInt64 {
        try await pool.read { db in
            UInt64(bitPattern: try Int64.fetchOne(db, sql: "SELECT MAX(startNs) FROM statWindow") ?? 0)
        }
    }
}
