import VigilCore
import VigilRecovery

/// The server's gauges for Prometheus, from what the API already reads:
/// the cluster summary, each current job's goodput and newest checkpoints.
/// Pure. Labels stay bounded: per job, node, incident class, checkpoint
/// level and lost-time cause, never per rank. Jobs are those with ranks
/// known (the summary's), so finished jobs leave the scrape.
public enum ServerMetrics {
    public static func samples(summary: ClusterSummary, nodes: [NodeSummary], goodput: [Goodput],
                               checkpoints: [String: [StoredCheckpoint]], nowNs: UInt64) -> [MetricSample] {
        var out = ingest(summary)
        out += nodeSamples(summary, nodes, nowNs: nowNs)
        let open = summary.openIncidents
        out += Incident.Class.allCases.map { MetricSample("vigil_incidents_open", [.init("class", $0.rawValue)], Double(open[$0.rawValue] ?? 0)) }
        let goodputs = Dictionary(goodput.map { ($0.job, $0) }) { first, _ in first }
        for job in summary.jobs.sorted(by: { $0.job < $1.job }) {
            out += jobSamples(job, goodputs[job.job], checkpoints[job.job] ?? [])
        }
        return out
    }

    private static func ingest(_ summary: ClusterSummary) -> [MetricSample] {
        let nodes = summary.nodes
        var out = [
            MetricSample("vigil_spool_lost_batches", Double(nodes.lostBatches)),
            MetricSample("vigil_spool_lost_records", Double(nodes.lostRecords)),
            MetricSample("vigil_ring_dropped_records", Double(nodes.droppedAtRanks)),
            MetricSample("vigil_ring_pending_records", Double(nodes.pendingAtRanks)),
        ]
        if let server = summary.server {
            out.append(MetricSample("vigil_agents_connected", Double(server.agentsConnected)))
            out.append(MetricSample("vigil_ingest_records_per_second", server.recordsPerSecond))
        }
        return out
    }

    private static func nodeSamples(_ summary: ClusterSummary, _ nodes: [NodeSummary], nowNs: UInt64) -> [MetricSample] {
        let counts = summary.nodes
        var out = [("up", counts.up), ("down", counts.down), ("cordoned", counts.cordoned)].map {
            MetricSample("vigil_nodes", [.init("state", $0.0)], Double($0.1))
        }
        for node in nodes.sorted(by: { $0.name < $1.name }) {
            let state = NodeState(node, nowNs: nowNs, downAfterNs: summary.nodeDownAfterNs)
            guard state != .unknown else { continue }
            out.append(MetricSample("vigil_node_up", [.init("node", node.name)], state == .up ? 1 : 0))
            out.append(MetricSample("vigil_node_cordoned", [.init("node", node.name)], node.cordoned ? 1 : 0))
        }
        return out
    }

    private static func jobSamples(_ job: JobSummary, _ goodput: Goodput?, _ checkpoints: [StoredCheckpoint]) -> [MetricSample] {
        let label = [MetricSample.Label("job_id", job.job)]  // not "job": Prometheus's own target label
        let recent = job.pace.suffix(5)
        var out = [
            MetricSample("vigil_job_ranks_running", label, Double(job.ranks.running)),
            MetricSample("vigil_job_world_size", label, Double(job.worldSize)),
            MetricSample("vigil_job_collectives_per_second", label, recent.isEmpty ? 0 : recent.reduce(0, +) / Double(recent.count)),
            MetricSample("vigil_job_incidents_open", label, Double(job.openIncidents)),
        ]
        if let goodput {
            out.append(MetricSample("vigil_job_ettr", label, goodput.ettr))
            out.append(MetricSample("vigil_job_restarts", label, Double(goodput.restarts)))
            out += Goodput.Cause.allCases.map {
                MetricSample("vigil_job_lost_seconds", label + [.init("cause", $0.rawValue)], Double(goodput.lostNs[$0] ?? 0) / 1e9)
            }
        }
        return out + checkpointSamples(label, checkpoints)
    }

    /// `checkpoints` newest first, as the store gives them.
    private static func checkpointSamples(_ label: [MetricSample.Label], _ checkpoints: [StoredCheckpoint]) -> [MetricSample] {
        var out: [MetricSample] = []
        if let newest = checkpoints.first {
            out.append(MetricSample("vigil_checkpoint_blocking_seconds", label,
                                    Double(newest.levels.map(\.blockedNs).max() ?? 0) / 1e9))
        }
        if let restorable = checkpoints.first(where: { $0.levels.contains { $0.state == .complete } }) {
            out.append(MetricSample("vigil_job_restorable_step", label, Double(restorable.step)))
        }
        if let rate = stepRate(checkpoints) { out.append(MetricSample("vigil_job_step_rate", label, rate)) }
        for level in CheckpointLevel.allCases {
            guard let done = checkpoints.lazy.compactMap({ $0.levels.first { $0.level == level && $0.state == .complete } }).first
            else { continue }
            out.append(MetricSample("vigil_checkpoint_bytes_per_second", label + [.init("level", "\(level.rawValue)")],
                                    done.bytesPerSecond))
        }
        return out
    }

    /// Training steps per second between the two newest checkpoints of one
    /// attempt: the server sees steps only where checkpoints name them.
    static func stepRate(_ checkpoints: [StoredCheckpoint]) -> Double? {
        guard checkpoints.count >= 2 else { return nil }
        let (newer, older) = (checkpoints[0], checkpoints[1])
        guard newer.attempt == older.attempt, newer.step > older.step, newer.startedNs > older.startedNs else { return nil }
        return Double(newer.step - older.step) * 1e9 / Double(newer.startedNs - older.startedNs)
    }
}
