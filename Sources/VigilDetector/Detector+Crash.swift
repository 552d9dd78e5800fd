import VigilCore

extension Detector {
    /// Ranks that died, or ended with a failing status, one incident per job.
    /// When one rank dies, mpirun kills the rest: which died first? Not
    /// the first reported (nodes report at their own times). The rest were
    /// told to stop (SIGTERM, which libvigil marks), the culprit was not;
    /// a peer may also abort on the connection the dead rank reset, before
    /// mpirun's SIGTERM reaches it: it ended later (each agent stamps the
    /// moment a rank's socket closes). Among those ending together, C4's
    /// answer again: the rank that never entered the collective its peers
    /// were waiting in. A job whose ranks were all
    /// told to stop was stopped, not crashed. The failed set is judged once
    /// every node of the job has reported since the first failure (so the
    /// culprit's own report is in), and not at all in a job with a node down:
    /// those deaths are the node's consequence.
    func crashes(nowNs: UInt64, downNodes: Set<String>) -> [Incident] {
        guard observed.ranks.values.contains(where: \.failed) else { return [] }
        var failedByJob: [String: [Observed]] = [:]
        var nodesByJob: [String: Set<String>] = [:]
        for seen in observed.ranks.values {
            nodesByJob[seen.snapshot.identity.job, default: []].insert(seen.node)
            if seen.failed { failedByJob[seen.snapshot.identity.job, default: []].append(seen) }
        }
        return failedByJob.compactMap { job, failed in
            let nodes = nodesByJob[job] ?? []
            guard nodes.isDisjoint(with: downNodes) else { return nil }
            let first = failed.compactMap(\.failedSinceNs).min() ?? nowNs
            let heardSince = nodes.allSatisfy { (observed.heartbeats[$0] ?? 0) >= first }
            guard heardSince || nowNs - min(nowNs, first) > 2 * configuration.heartbeatTimeoutNs else { return nil }
            let crashed = failed.filter { $0.snapshot.exitStatus != RankSnapshot.terminatedStatus }
            guard !crashed.isEmpty else { return nil }
            return crash(job: job, crashed: crashed, failed: failed.count, firstNs: first, nowNs: nowNs)
        }
    }

    private func crash(job: String, crashed: [Observed], failed: Int, firstNs: UInt64, nowNs: UInt64) -> Incident {
        let together = Self.firstEnded(crashed, marginNs: configuration.crashOrderMarginNs)
        let culprits = Self.furthestBehind(Self.notWaitingOnTheOthers(together))
        let how = culprits.count == 1
            ? culprits[0].snapshot.exitStatus.map { "exit status \($0)" } ?? "died without MPI_Finalize"
            : "died"
        var summary = "rank \(Self.list(culprits)) \(how)"
        let later = crashed.filter { seen in !culprits.contains { $0.snapshot.identity == seen.snapshot.identity } }
        if let end = culprits.compactMap(\.snapshot.endedNs).min(), let next = later.compactMap(\.snapshot.endedNs).min(),
           next - min(next, end) > configuration.crashOrderMarginNs {
            summary += "; rank \(Self.list(later)) ended \(QuantityText.milliseconds(next - end)) later"
        } else if culprits.count < crashed.count {
            summary += " before entering the collective its peers waited in"
        }
        if culprits.count < failed { summary += "; then \(failed - culprits.count) more ended (job torn down)" }
        return Incident(job: job, incidentClass: .rankCrash,
                        suspects: culprits.map { .init(node: $0.node, rank: $0.snapshot.identity.rank) },
                        confidence: 1 / Double(culprits.count), evidence: .init(summary: summary),
                        firstSeenNs: firstNs, detectedNs: nowNs)
    }

    /// The crashed ranks that ended within `marginNs` (the agents' clock
    /// skew) of the first; all of them when an end is unknown.
    static func firstEnded(_ crashed: [Observed], marginNs: UInt64) -> [Observed] {
        let ends = crashed.compactMap(\.snapshot.endedNs)
        guard ends.count == crashed.count, let first = ends.min() else { return crashed }
        return crashed.filter { $0.snapshot.endedNs! - first <= marginNs }
    }

    /// Of ranks that ended together, those that did not die blocked waiting
    /// on another of them: a pipeline stage whose upstream was killed
    /// aborts on the reset connection within a millisecond, inside its
    /// receive from it. All of them when each waited on another (or none did).
    static func notWaitingOnTheOthers(_ together: [Observed]) -> [Observed] {
        let ranks = Set(together.map(\.snapshot.identity.rank))
        let waiting = together.filter { seen in
            guard let call = seen.snapshot.blocked, call.op.waitsOnPeers else { return false }
            return call.peers.contains { $0 != seen.snapshot.identity.rank && ranks.contains($0) }
        }
        return waiting.isEmpty || waiting.count == together.count ? together
            : together.filter { seen in !waiting.contains { $0.snapshot.identity == seen.snapshot.identity } }
    }

    /// The failed ranks that had entered the fewest collectives on the
    /// widest communicator they share.
    static func furthestBehind(_ failed: [Observed]) -> [Observed] {
        guard failed.count > 1 else { return failed }
        let widest = failed.flatMap(\.snapshot.progress).filter { InstanceEvent.isJoinable($0.communicator) }
            .max { $0.size < $1.size }?.communicator
        guard let widest else { return failed }
        func entered(_ seen: Observed) -> UInt64 {
            seen.snapshot.progress.first { $0.communicator == widest }?.lastSeqEntered ?? 0
        }
        let least = failed.map(entered).min() ?? 0
        return failed.filter { entered($0) == least }
    }
}
