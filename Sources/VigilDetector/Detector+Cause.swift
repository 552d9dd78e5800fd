import VigilCore

extension Detector {
    /// Cause before class: collectives slow with every member present are
    /// the network's only when the members' own CPUs do not explain it. A
    /// member throttled by its cgroup's CPU quota is a straggler by its own
    /// CPU; nodes newly short of CPU are contended; and a communicator that
    /// never leaves one host (shared memory) is never a network suspect.
    /// Contended nodes are blamed only once their links are ruled out: a
    /// slow link makes the ranks spin in their collectives, and spinning
    /// ranks contend for the CPU too.
    mutating func explained(_ slow: Incident, linksDegraded: Bool, on key: CommunicatorKey, nowNs: UInt64) -> Incident? {
        let members = communicatorMembers[key] ?? []
        let throttled = members.filter { $0.throttledShare >= configuration.throttledShare }
        if !throttled.isEmpty {
            var evidence = slow.evidence
            evidence.summary = throttled.map { "rank \($0.snapshot.identity.rank)" + Self.throttling(of: $0) }
                .joined(separator: "; ") + "; slow by its own CPU: " + slow.evidence.summary
            return Incident(job: key.job, incidentClass: .straggler,
                            suspects: throttled.map { .init(node: $0.node, rank: $0.snapshot.identity.rank) },
                            confidence: 1 / Double(throttled.count), evidence: evidence,
                            firstSeenNs: slow.firstSeenNs, detectedNs: nowNs)
        }
        let nodes = Set(members.map(\.node))
        let contended = nodes.filter { loads[$0]?.contended(rise: configuration.contentionRisePermille) ?? false }.sorted()
        if !contended.isEmpty, !linksDegraded {
            guard linksRuledOut(for: key, nodes: nodes, nowNs: nowNs) else { return nil }
            var evidence = slow.evidence
            evidence.summary = contended.prefix(4).map { "\($0): \(loads[$0]!.description)" }.joined(separator: "; ")
                + "; " + slow.evidence.summary
            return Incident(job: key.job, incidentClass: .cpuContention, suspects: contended.map { .init(node: $0) },
                            confidence: 1 / Double(contended.count), evidence: evidence,
                            firstSeenNs: slow.firstSeenNs, detectedNs: nowNs)
        }
        return nodes.count > 1 ? slow : nil
    }

    /// Whether the links of a communicator spanning nodes are ruled out:
    /// every pair of the job's nodes probed since contention was first seen
    /// on it, or no answer for `contentionProbeWaitNs` (too many nodes to
    /// probe, agents without a responder). Until then the job's links are
    /// wanted probed, and nothing is said.
    private mutating func linksRuledOut(for key: CommunicatorKey, nodes: Set<String>, nowNs: UInt64) -> Bool {
        guard nodes.count > 1, !isStanding([.cpuContention], on: key) else { return true }
        let since = contentionSeenBeforeNs[key] ?? contentionSeenNs[key] ?? nowNs
        contentionSeenNs[key] = since
        let peers = self.nodes(of: key.job).union(nodes)
        let probed = links[key.job]?.pairsMeasured(among: peers, sinceNs: since) ?? 0
        guard probed < peers.count * (peers.count - 1) / 2,
              nowNs - since < configuration.contentionProbeWaitNs else { return true }
        probesWanted.insert(key.job)
        return false
    }

    /// "; its cgroup was throttled 74% of the time (CPU quota)", or "".
    static func throttling(of seen: Observed) -> String {
        guard seen.throttledShare >= 0.01 else { return "" }
        return ": its cgroup was throttled \(Int(100 * seen.throttledShare))% of the time (CPU quota)"
    }
}
