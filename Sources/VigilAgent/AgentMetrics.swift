import VigilCore

/// The agent's gauges for Prometheus, from its rank table's report and its
/// outbox. Pure. No per-rank series: ranks counted by state, ring counters summed.
enum AgentMetrics {
    static func samples(_ report: AgentReport, outboxBatches: Int?) -> [MetricSample] {
        var byStatus: [RankStatus: Int] = [:]
        var counters = RingCounters()
        for rank in report.ranks {
            byStatus[rank.status, default: 0] += 1
            counters.consumed += rank.counters.consumed
            counters.pending += rank.counters.pending
            counters.dropped += rank.counters.dropped
        }
        var out = [RankStatus.running, .stopped, .finished, .died].map {
            MetricSample("vigil_agent_ranks", [.init("status", $0.rawValue)], Double(byStatus[$0] ?? 0))
        }
        out += [
            MetricSample("vigil_agent_ring_consumed_records", Double(counters.consumed)),
            MetricSample("vigil_agent_ring_pending_records", Double(counters.pending)),
            MetricSample("vigil_agent_ring_dropped_records", Double(counters.dropped)),
        ]
        if let outboxBatches { out.append(MetricSample("vigil_agent_outbox_batches", Double(outboxBatches))) }
        return out
    }
}
