import VigilCore

extension Detector {
    /// A hang can be the consequence of a cause not judged yet: a rank
    /// that died (the crash rule waits until every node of its job has
    /// reported since) or a node late with its heartbeat (down only after
    /// the timeout). Its peers may have waited past the hang threshold
    /// first; a new hang incident of such a job, or on such a node, waits
    /// for the cause's verdict (that explains it away) or for the node to
    /// be heard again. One already open stays open. The consequences that need not wait.
    func withoutPendingCause(_ consequences: [Incident], causes: [Incident], nowNs: UInt64) -> [Incident] {
        let judged = Set(causes.map(\.job))
        let dying = Set(observed.ranks.values.filter {
            $0.failed && $0.snapshot.exitStatus != RankSnapshot.terminatedStatus
        }.map(\.snapshot.identity.job)).subtracting(judged)
        return consequences.filter { incident in
            guard book.open[incident.identity] == nil else { return true }
            // Late, and not heard since the wait began (an agent reports every second): maybe going down.
            let goingDown = incident.suspects.contains { suspect in
                guard let heard = observed.heartbeats[suspect.node] else { return false }
                return nowNs - min(nowNs, heard) > configuration.heartbeatLateNs && heard < incident.firstSeenNs + 1_000_000_000
            }
            return !dying.contains(incident.job) && !goingDown
        }
    }
}
