import VigilCore

extension Detector {
    /// What the link probes say of a slow communicator spanning hosts.
    enum LinkVerdict {
        /// No round since the slowness began: wait for one (the job's links are wanted probed).
        case pending
        /// Every pair of the job's nodes probed since, none of the communicator's degraded.
        case healthy
        /// No round answered in `probeWaitNs`, or a standing slowness without one since:
        /// the telemetry alone decides.
        case unprobed
    }

    /// Cause before class: collectives slow with every member present are
    /// the network's only when the members' own state does not explain it
    /// and the link probes do not clear the links. A member throttled by its
    /// cgroup's CPU quota is a straggler by its own CPU. A communicator that
    /// never leaves one host (shared memory) is never a network suspect;
    /// its nodes newly short of CPU are contended. Across hosts the verdict
    /// waits for a probe round since the slowness began: a degraded link is
    /// communication slow, placed; links as fast as the rest clear the
    /// network — the contended nodes are then to blame, or nothing is (on
    /// a bench sharing cores, ranks spinning in collectives over another
    /// communicator's slow link slow this one too).
    mutating func explained(_ slow: Incident, linksDegraded: Bool, on key: CommunicatorKey, nowNs: UInt64) -> Incident? {
        let members = communicatorMembers[key] ?? []
        let throttled = members.filter { $0.throttledShare >= configuration.throttledShare }
        if !throttled.isEmpty { return straggler(throttled, slow: slow, job: key.job, nowNs: nowNs) }
        let nodes = Set(members.map(\.node))
        let contended = nodes.filter { loads[$0]?.contended(rise: configuration.contentionRisePermille) ?? false }.sorted()
        let contention = contended.isEmpty ? nil : self.contention(on: contended, slow: slow, job: key.job, nowNs: nowNs)
        guard nodes.count > 1 else { return contention }
        if linksDegraded { return slow }
        switch linkVerdict(for: key, nodes: nodes, nowNs: nowNs) {
        case .pending: return nil
        case .healthy: return contention
        case .unprobed: return contention ?? slow
        }
    }

    private func straggler(_ throttled: [Observed], slow: Incident, job: String, nowNs: UInt64) -> Incident {
        var evidence = slow.evidence
        evidence.summary = throttled.map { "rank \($0.snapshot.identity.rank)" + Self.throttling(of: $0) }
            .joined(separator: "; ") + "; slow by its own CPU: " + slow.evidence.summary
        return Incident(job: job, incidentClass: .straggler,
                        suspects: throttled.map { .init(node: $0.node, rank: $0.snapshot.identity.rank) },
                        confidence: 1 / Double(throttled.count), evidence: evidence,
                        firstSeenNs: slow.firstSeenNs, detectedNs: nowNs)
    }

    private func contention(on contended: [String], slow: Incident, job: String, nowNs: UInt64) -> Incident {
        var evidence = slow.evidence
        evidence.summary = contended.prefix(4).map { "\($0): \(loads[$0]!.description)" }.joined(separator: "; ")
            + "; " + slow.evidence.summary
        return Incident(job: job, incidentClass: .cpuContention, suspects: contended.map { .init(node: $0) },
                        confidence: 1 / Double(contended.count), evidence: evidence,
                        firstSeenNs: slow.firstSeenNs, detectedNs: nowNs)
    }

    /// Whether every pair of the job's nodes was probed since this
    /// communicator's slowness began (its first evaluation asking); a
    /// standing slowness does not wait again.
    private mutating func linkVerdict(for key: CommunicatorKey, nodes: Set<String>, nowNs: UInt64) -> LinkVerdict {
        let standing = isStanding(Self.slowClasses, on: key)
        let since = probeWaitSinceNs[key] ?? (standing ? 0 : nowNs)
        let peers = self.nodes(of: key.job).union(nodes)
        probeWaitNextNs[key] = since   // the same round answers while the slowness lasts: no round after round
        let probed = links[key.job]?.pairsMeasured(among: peers, sinceNs: since) ?? 0
        if probed >= peers.count * (peers.count - 1) / 2 { return .healthy }
        if standing || nowNs - min(nowNs, since) >= configuration.probeWaitNs { return .unprobed }
        probesWanted[key.job] = min(probesWanted[key.job] ?? since, since)
        return .pending
    }

    /// "; its cgroup was throttled 74% of the time (CPU quota)", or "".
    static func throttling(of seen: Observed) -> String {
        guard seen.throttledShare >= 0.01 else { return "" }
        return ": its cgroup was throttled \(Int(100 * seen.throttledShare))% of the time (CPU quota)"
    }
}
