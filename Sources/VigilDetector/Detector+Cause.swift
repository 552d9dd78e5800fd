import VigilCore

extension Detector {
    /// What the link probes say of a slow communicator spanning hosts.
    enum LinkVerdict {
        /// No round since the slowness began: wait for one (the job's links are wanted probed).
        case pending
        /// Every pair of the job's nodes probed since, none of the communicator's degraded.
        case healthy
        /// No round answered in `probeWaitNs`, or a standing slowness without one still valid:
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
    /// `members`: the communicator's, unless told (a job's point-to-point traffic: its ranks).
    mutating func explained(_ slow: Incident, linksDegraded: Bool, on key: CommunicatorKey, members: [Observed]? = nil,
                            nowNs: UInt64) -> Incident? {
        let members = members ?? communicatorMembers[key] ?? []
        let throttled = members.filter { $0.throttledShare >= configuration.throttledShare }
        if !throttled.isEmpty { return straggler(throttled, slow: slow, job: key.job, nowNs: nowNs) }
        let nodes = Set(members.map(\.node))
        let contended = nodes.filter { observed.loads[$0]?.contended(rise: configuration.contentionRisePermille) ?? false }.sorted()
        let contention = contended.isEmpty ? nil : self.contention(on: contended, slow: slow, job: key.job, nowNs: nowNs)
        guard nodes.count > 1 else { return contention }
        if linksDegraded { return slow }
        let verdict = linkVerdict(for: key, nodes: nodes, nowNs: nowNs)
        if slowedByStandingCause(members, job: key.job) { return contention }
        switch verdict {
        case .pending: return nil
        case .healthy: return contention
        case .unprobed: return contention ?? slow
        }
    }

    /// A straggler or contended node already standing among the members
    /// slows their collectives for a while after it eases (the window still
    /// holds its instances): that is the standing incident's, not the
    /// network's, unless the probes (asked for all the same) find a link degraded.
    private func slowedByStandingCause(_ members: [Observed], job: String) -> Bool {
        let ranks = Set(members.map(\.snapshot.identity.rank)), nodes = Set(members.map(\.node))
        return openIncidents.contains { incident in
            incident.job == job && incident.suspects.contains { suspect in
                switch incident.incidentClass {
                case .straggler: suspect.rank.map(ranks.contains) ?? false
                case .cpuContention: nodes.contains(suspect.node)
                default: false
                }
            }
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
        evidence.summary = contended.prefix(4).map { "\($0): \(observed.loads[$0]!.description)" }.joined(separator: "; ")
            + "; " + slow.evidence.summary
        return Incident(job: job, incidentClass: .cpuContention, suspects: contended.map { .init(node: $0) },
                        confidence: 1 / Double(contended.count), evidence: evidence,
                        firstSeenNs: slow.firstSeenNs, detectedNs: nowNs)
    }

    /// Whether every pair of the job's nodes was probed since this
    /// communicator's slowness began (its first evaluation asking). A
    /// standing slowness does not wait again: the probes still valid decide
    /// (the scheduler renews them while it stands).
    private mutating func linkVerdict(for key: CommunicatorKey, nodes: Set<String>, nowNs: UInt64) -> LinkVerdict {
        let peers = self.nodes(of: key.job).union(nodes)
        let pairs = peers.count * (peers.count - 1) / 2
        if isStanding(Self.slowClasses, on: key) {
            let valid = nowNs - min(nowNs, configuration.probeValidityNs)
            return (observed.links[key.job]?.pairsMeasured(among: peers, sinceNs: valid) ?? 0) >= pairs ? .healthy : .unprobed
        }
        let since = probes.waiting(key, nowNs: nowNs)
        if (observed.links[key.job]?.pairsMeasured(among: peers, sinceNs: since) ?? 0) >= pairs { return .healthy }
        if nowNs - min(nowNs, since) >= configuration.probeWaitNs { return .unprobed }
        probes.want(job: key.job, sinceNs: since)
        return .pending
    }

    /// "; its cgroup was throttled 74% of the time (CPU quota)", or "".
    static func throttling(of seen: Observed) -> String {
        guard seen.throttledShare >= 0.01 else { return "" }
        return ": its cgroup was throttled \(Int(100 * seen.throttledShare))% of the time (CPU quota)"
    }
}
