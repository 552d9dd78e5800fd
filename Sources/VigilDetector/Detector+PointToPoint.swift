import VigilCore

/// Each job's wait-for graph, built once per evaluation and only for the
/// jobs that ask (a rank blocked past a threshold).
struct WaitGraphs {
    private var built: [String: WaitGraph] = [:]

    mutating func graph(job: String, of detector: Detector) -> WaitGraph {
        if let graph = built[job] { return graph }
        let graph = detector.waitGraph(job: job)
        built[job] = graph
        return graph
    }
}

extension Detector {
    func waitGraph(job: String) -> WaitGraph {
        var jobRanks: [Int: Observed] = [:]
        for (key, seen) in observed.ranks where key.job == job { jobRanks[key.rank] = seen }
        var members: [UInt64: [Observed]] = [:]
        for (key, list) in communicatorMembers where key.job == job { members[key.communicator] = list }
        return WaitGraph(ranks: jobRanks, members: members)
    }

    /// Ranks blocked in point-to-point calls past the threshold, blamed
    /// along their chains: a pipeline stage waiting on a stopped or stuck
    /// one hangs on it; stages blocked on each other (a send and a receive
    /// that never meet) hang on the link between them — or a deadlock.
    mutating func pointToPointHangs(graphs: inout WaitGraphs, nowNs: UInt64) -> [Incident] {
        var blocked: [String: [Observed]] = [:]
        for seen in observed.ranks.values where seen.snapshot.status == .running {
            guard let call = seen.snapshot.blocked, call.op.waitsOnPeers, !call.peers.isEmpty,
                  nowNs - min(nowNs, call.sinceNs) > pointToPointThreshold(job: seen.snapshot.identity.job) else { continue }
            blocked[seen.snapshot.identity.job, default: []].append(seen)
        }
        var hangs: [Incident] = []
        for (job, waiters) in blocked {
            let graph = graphs.graph(job: job, of: self)
            var byEnds: [WaitGraph.Ends: [Observed]] = [:]
            for seen in waiters { byEnds[graph.ends(from: [seen.snapshot.identity.rank]), default: []].append(seen) }
            for (ends, waiters) in byEnds {
                if let hang = pointToPointHang(job: job, ends: ends, waiters: waiters, graph: graph, nowNs: nowNs) { hangs.append(hang) }
            }
        }
        return hangs
    }

    private mutating func pointToPointHang(job: String, ends: WaitGraph.Ends, waiters: [Observed], graph: WaitGraph,
                                  nowNs: UInt64) -> Incident? {
        let since = waiters.compactMap { $0.snapshot.blocked?.sinceNs }.min() ?? nowNs
        let first = waiters.min { $0.snapshot.identity.rank < $1.snapshot.identity.rank }!
        let call = first.snapshot.blocked!
        var evidence = Incident.Evidence(summary: "", communicator: call.communicator,
                                         expectedNs: pointToPointThreshold(job: job),
                                         observedNs: nowNs - min(nowNs, since), takenNs: nowNs)
        let waited = "ranks \(Self.list(waiters)) blocked in point-to-point calls for \(QuantityText.milliseconds(nowNs - min(nowNs, since))) "
            + "(rank \(first.snapshot.identity.rank): \(Self.describe(call)))"
        let culprits = ends.ranks.compactMap { observed.ranks[RankKey(job: job, rank: $0)] }
        if ends.cyclic {
            let nodes = Set(culprits.map(\.node))
            if linkAllowsWait(job: job, between: nodes, sinceNs: since, nowNs: nowNs) { return nil }
            let suspects = hangSuspects(among: nodes, nowNs: nowNs)
            evidence.summary = waited + "; ranks \(Self.list(culprits)) wait on each other: the link between "
                + "\(nodes.sorted().joined(separator: ", ")), or a deadlock" + suspects.note
            return Incident(job: job, incidentClass: .communicationHang, suspects: suspects.nodes.map { .init(node: $0) },
                            confidence: suspects.confidence, evidence: evidence, firstSeenNs: since, detectedNs: nowNs)
        }
        if ends.why == .network { return stuckInside(job: job, ends: ends, waited: waited, nowNs: nowNs) }
        guard [.stopped, .computing].contains(ends.why), !culprits.isEmpty else { return nil }
        let state = ends.why == .stopped ? "stopped" : "computing, in no blocking call"
        evidence.summary = waited + "; the chain ends at ranks \(Self.list(culprits)), \(state)"
        return rankHang(job: job, culprits: culprits, graph: graph, evidence: evidence, sinceNs: since, nowNs: nowNs)
    }

    /// A point-to-point wait is judged against how long the job's waits
    /// last (its ranks' wait profiles): a halo exchange whose collective
    /// comes once a second is not allowed twenty seconds a wait, and a
    /// single exchange over a crawling link is not a hang while such
    /// exchanges end. Before any wait was seen to end (an older agent, no
    /// profile yet), the job's slowest communicator's hang threshold stands
    /// for its step.
    func pointToPointThreshold(job: String) -> UInt64 {
        if let typical = observed.waits[job]?.typicalLongestWaitNs {
            return max(configuration.hangFloorNs, UInt64(configuration.hangStepMultiple * Double(typical)))
        }
        return communicatorMembers.keys.filter { $0.job == job }.map(hangThreshold).max() ?? configuration.hangFloorNs
    }

    /// Ranks on several hosts blocked on each other: sends and receives
    /// that never meet (a deadlock, a cut link) — or exchanges over a link
    /// crawling at a twentieth of its rate, which end in their time. Only
    /// probes of their links tell them apart, so the verdict waits for a
    /// round (asked for) unless a NIC of the job's hosts is down or a host
    /// silent (then it is a hang now: waiting on a cut link spreads along
    /// the job's exchanges, so the ranks seen waiting need not be its ends). A link of the job measured slow but alive
    /// allows the job's own pace stretched by how much slower it runs than
    /// the round's median — any of its links: in a ring of exchanges the
    /// slowest paces everyone, and the ranks seen waiting on each other
    /// need not include its ends; past that, or on links as fast as the
    /// rest, it is a hang.
    private mutating func linkAllowsWait(job: String, between nodes: Set<String>, sinceNs: UInt64, nowNs: UInt64) -> Bool {
        let hosts = self.nodes(of: job).union(nodes)
        guard nodes.count >= 2, hosts.allSatisfy({ node in
            (observed.nics[node]?.down.isEmpty ?? true)
                && nowNs - min(nowNs, heartbeat(of: node) ?? 0) <= configuration.heartbeatTimeoutNs
        }) else { return false }
        let waited = nowNs - min(nowNs, sinceNs), threshold = pointToPointThreshold(job: job)
        guard let links = observed.links[job]?.slowestPair(among: hosts, sinceNs: sinceNs) else {
            probes.want(job: job, sinceNs: sinceNs)
            return waited < threshold + configuration.probeWaitNs
        }
        guard links.slowest < configuration.linkDegradedFraction * links.median else { return false }
        let stretch = min(links.median / max(links.slowest, 1), Self.longestStretch)
        return Double(waited) < Double(threshold) * stretch
    }

    /// A link measured a thousand times slower than the rest is as good as cut.
    static let longestStretch = 1_000.0
}
