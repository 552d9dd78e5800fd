import Metrics
import Synchronization
import VigilCore

/// What the server has ingested: totals, a per-second history, and each
/// job's pulse (collectives its ranks completed, per second), for the
/// console's overview. One short lock per stored batch. Counted by the
/// server's clock when a batch arrives, not the agents' window times: one
/// clock for every node, however far theirs drift.
public final class ServerStats: Sendable {
    private struct State {
        var batches: UInt64 = 0
        var records: UInt64 = 0
        var batchSeries = PulseSeries(capacity: 120)
        var recordSeries = PulseSeries(capacity: 120)
        var jobs: [String: PulseSeries] = [:]
    }

    public let startedNs: UInt64
    private let state = Mutex(State())
    /// For Prometheus: rates come from these (`rate(vigil_ingest_records_total[1m])`).
    private let batchesCounter = Counter(label: "vigil_ingest_batches_total")
    private let recordsCounter = Counter(label: "vigil_ingest_records_total")
    /// The second still being counted is not shown.
    static let settleSeconds: UInt64 = 1
    static let historySeconds = 60

    public init(startedNs: UInt64 = wallClockNanoseconds()) {
        self.startedNs = startedNs
    }

    public func record(_ batch: TelemetryBatch, atNs: UInt64) {
        state.withLock { s in
            var records: UInt64 = 0
            for case .stats(let window) in batch.items {
                records += window.count
                s.jobs[window.job, default: PulseSeries(capacity: 120)].add(window.count, atNs: atNs)
            }
            s.batches += 1
            s.records += records
            s.batchSeries.add(1, atNs: atNs)
            s.recordSeries.add(records, atNs: atNs)
            batchesCounter.increment()
            recordsCounter.increment(by: Int64(records))
        }
    }

    public func pulse(agentsConnected: Int, nowNs: UInt64) -> ServerPulse {
        let last = nowNs / 1_000_000_000 - min(nowNs / 1_000_000_000, Self.settleSeconds)
        return state.withLock { s in
            let records = s.recordSeries.counts(endingAt: last, seconds: Self.historySeconds)
            let recent = records.suffix(5), batches = s.batchSeries.counts(endingAt: last, seconds: 5)
            return ServerPulse(startedNs: startedNs, agentsConnected: agentsConnected, batches: s.batches, records: s.records,
                               batchesPerSecond: Double(batches.reduce(0, +)) / 5,
                               recordsPerSecond: Double(recent.reduce(0, +)) / Double(max(recent.count, 1)),
                               history: records.map { Double($0) })
        }
    }

    /// Per job, collectives per rank per second over the last minute, oldest first.
    public func pace(worldSizes: [String: Int], nowNs: UInt64) -> [String: [Double]] {
        let last = nowNs / 1_000_000_000 - min(nowNs / 1_000_000_000, Self.settleSeconds)
        return state.withLock { s in
            var out: [String: [Double]] = [:]
            s.jobs = s.jobs.filter { last < $0.value.newestSecond + UInt64($0.value.capacity) }  // jobs long quiet go
            for (job, series) in s.jobs {
                let ranks = Double(max(worldSizes[job] ?? 1, 1))
                out[job] = series.counts(endingAt: last, seconds: Self.historySeconds).map { Double($0) / ranks }
            }
            return out
        }
    }
}
