import VigilCore

extension Detector {
    /// Nodes with running ranks whose heartbeats stopped: one incident per
    /// job, naming every such node. Nodes lost within seconds of each other
    /// are one event, said as such with what they share — every node the
    /// server hears (the server's own network, or the server), every node
    /// of one management subnet (its switch or router), or all the job's nodes.
    func nodesDown(nowNs: UInt64) -> [Incident] {
        let timeout = configuration.heartbeatTimeoutNs
        let stale = Set(observed.heartbeats.filter { nowNs - min(nowNs, $0.value) > timeout }.keys)
        var lost: [String: [String: UInt64]] = [:]      // job → node → silent since
        var jobNodes: [String: Set<String>] = [:]
        for seen in observed.ranks.values where seen.snapshot.status.isAlive {
            let job = seen.snapshot.identity.job
            jobNodes[job, default: []].insert(seen.node)
            guard stale.contains(seen.node) || observed.heartbeats[seen.node] == nil else { continue }
            let since = observed.heartbeats[seen.node] ?? seen.atNs
            if nowNs - min(nowNs, since) > timeout { lost[job, default: [:]][seen.node] = since }
        }
        return lost.map { job, nodes in
            nodeDown(job: job, nodes: nodes, jobNodes: jobNodes[job] ?? [], allNodes: observed.heartbeats.count, nowNs: nowNs)
        }
    }

    private func nodeDown(job: String, nodes: [String: UInt64], jobNodes: Set<String>, allNodes: Int,
                          nowNs: UInt64) -> Incident {
        let first = nodes.values.min() ?? nowNs, last = nodes.values.max() ?? nowNs
        let silent = nowNs - min(nowNs, first)
        let together = nodes.count >= configuration.correlatedNodes && last - first <= configuration.correlationWindowNs
        var summary: String
        if nodes.count == 1, let node = nodes.keys.first {
            summary = "no heartbeat from \(node) for \(QuantityText.milliseconds(silent)): the node is down, or its link to the server"
        } else if together {
            let shared = nodes.count == allNodes ? "every node the server hears: the server's own network, or the server"
                : sharedSubnet(Set(nodes.keys)).map { "every node of \($0) the server hears: that subnet's switch or router" }
                ?? (nodes.count == jobNodes.count ? "every node of this job" : "\(nodes.count) of the job's \(jobNodes.count) nodes")
            summary = "\(nodes.count) nodes lost within \(QuantityText.milliseconds(last - first)) (no heartbeat for \(QuantityText.milliseconds(silent))): \(shared)"
        } else {
            summary = "no heartbeat from \(nodes.count) nodes, the first for \(QuantityText.milliseconds(silent)): the nodes are down, or their links to the server"
        }
        return Incident(job: job, incidentClass: .nodeDown, suspects: nodes.keys.map { .init(node: $0) },
                        confidence: together ? 0.5 : 0.9,
                        evidence: .init(summary: summary, expectedNs: configuration.heartbeatTimeoutNs, observedNs: silent),
                        firstSeenNs: first, detectedNs: nowNs)
    }

    /// The management /24 (as "10.0.3.0/24") that `lost` are all of, when
    /// every node the server knows in it is lost; nil otherwise.
    private func sharedSubnet(_ lost: Set<String>) -> String? {
        let theirs = Set(lost.map { observed.subnets[$0] })
        guard theirs.count == 1, let only = theirs.first, let subnet = only else { return nil }
        let members = observed.subnets.filter { $0.value == subnet }.keys
        guard members.allSatisfy(lost.contains) else { return nil }
        return IPv4Network("\(IPv4Network.format(subnet))/24")?.description
    }
}
