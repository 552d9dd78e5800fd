extension ClusterSummary {
    /// What the store and the server's memory hold, summed up. Pure, so the
    /// server's API and a console reading a store directly build the same.
    public static func build(nodes: [NodeSummary], ranks: [StoredRank], runs: [JobRun], openIncidents: [Incident],
                             pace: [String: [Double]], server: ServerPulse?, nowNs: UInt64, nodeDownAfterNs: UInt64,
                             latestEventID: Int64, notes: [ClusterEvent] = []) -> ClusterSummary {
        var counts = NodeCounts(total: nodes.count)
        for node in nodes {
            if NodeState(node, nowNs: nowNs, downAfterNs: nodeDownAfterNs) == .down { counts.down += 1 }
            if node.cordoned { counts.cordoned += 1 }
            counts.lostBatches += node.loss.batches
            counts.lostRecords += node.loss.records
        }
        counts.up = nodes.count - counts.down - nodes.filter { $0.lastSeenNs == 0 }.count
        for rank in ranks {
            counts.droppedAtRanks += rank.snapshot.counters.dropped
            counts.pendingAtRanks += rank.snapshot.counters.pending
        }
        let latestRun = Dictionary(runs.map { ($0.job, $0) }) { $0.attempt >= $1.attempt ? $0 : $1 }
        let incidentsPerJob = Dictionary(grouping: openIncidents, by: \.job).mapValues(\.count)
        let jobs = Dictionary(grouping: ranks, by: \.snapshot.identity.job).map { job, members in
            var states = JobSummary.RankCounts()
            var waiting = 0
            for member in members {
                states.count(member.snapshot.status)
                if member.snapshot.status == .running, let call = member.snapshot.blocked,
                   nowNs - min(nowNs, call.sinceNs) > 1_000_000_000 {
                    waiting += 1
                }
            }
            let run = latestRun[job]
            return JobSummary(job: job, worldSize: members.map(\.snapshot.identity.worldSize).max() ?? 0, ranks: states,
                              nodes: Set(members.map(\.node)).count, attempt: run?.attempt, runState: run?.state,
                              pace: pace[job] ?? [], openIncidents: incidentsPerJob[job] ?? 0, waitingRanks: waiting)
        }
        return ClusterSummary(takenNs: nowNs, server: server,
                              jobs: jobs.sorted { ($0.state == "ended" ? 1 : 0, $0.job) < ($1.state == "ended" ? 1 : 0, $1.job) },
                              nodes: counts,
                              openIncidents: Dictionary(grouping: openIncidents, by: \.incidentClass.rawValue).mapValues(\.count),
                              nodeDownAfterNs: nodeDownAfterNs, latestEventID: latestEventID, notes: notes)
    }
}

/// A node as the console shows it: up, down (silent past the threshold), or
/// never heard from (known only because it was cordoned).
public enum NodeState: String, Sendable, Codable {
    case up, down, unknown

    public init(_ node: NodeSummary, nowNs: UInt64, downAfterNs: UInt64) {
        if node.lastSeenNs == 0 {
            self = .unknown
        } else {
            self = nowNs - min(nowNs, node.lastSeenNs) > downAfterNs ? .down : .up
        }
    }
}
