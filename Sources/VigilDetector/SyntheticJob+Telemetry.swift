import VigilCore

extension SyntheticJob {
    /// Everything the server would have heard in (`afterNs`, `atNs`], fed to
    /// `detector` as the server feeds it; how many instance records that was.
    @discardableResult
    public func feed(_ detector: inout Detector, afterNs: UInt64, atNs: UInt64) -> Int {
        let (snapshots, heartbeats) = observe(atNs: atNs)
        for (snapshot, node) in snapshots { detector.observe(snapshot, node: node, atNs: atNs) }
        for node in heartbeats { detector.received(batchFrom: node, atNs: atNs) }
        let instances = instances(afterNs: afterNs, throughNs: atNs)
        for instance in instances { detector.observe(instance) }
        return instances.count * ranks
    }

    /// The rank snapshots and heartbeats sent at `atNs` (silent nodes send none).
    public func observe(atNs: UInt64) -> (snapshots: [(RankSnapshot, String)], heartbeats: [String]) {
        var silent: String?
        if case .nodeDown(let down) = fault, atNs >= faultAtNs { silent = "node\(down)" }
        let snapshots = (0..<ranks).filter { node(of: $0) != silent }.map { (snapshot(rank: $0, atNs: atNs), node(of: $0)) }
        return (snapshots, nodes.filter { $0 != silent })
    }

    /// Instances completed in (`afterNs`, `throughNs`], as the server's join sums them up.
    public func instances(afterNs: UInt64, throughNs: UInt64) -> [InstanceSummary] {
        completedSteps(afterNs: afterNs, throughNs: throughNs).map { instance(step: $0.step, atNs: $0.endNs) }
    }

    /// What each node's agent sends at `atNs` for (`afterNs`, `atNs`]: its
    /// ranks' snapshots and their instance events — the server's input
    /// itself, for the join and the detector together (silent nodes send none).
    public func batches(afterNs: UInt64, atNs: UInt64, seq: UInt64) -> [(node: String, batch: TelemetryBatch)] {
        let steps = completedSteps(afterNs: afterNs, throughNs: atNs).map { step in
            (step: step.step, latest: (0..<ranks).lazy.map { compute(rank: $0, step: step.step) }.max()!)
        }
        let (snapshots, heartbeats) = observe(atNs: atNs)
        var items: [String: [TelemetryItem]] = Dictionary(uniqueKeysWithValues: heartbeats.map { ($0, []) })
        for (snapshot, node) in snapshots {
            items[node]?.append(.rank(snapshot))
            let rank = snapshot.identity.rank
            guard !steps.isEmpty, snapshot.status == .running else { continue }
            let events = steps.map { event(rank: rank, step: $0.step, latest: $0.latest) }
            items[node]?.append(.instances(InstanceEvents(job: job, events: events)))
        }
        return items.map { (node: $0.key, batch: TelemetryBatch(seq: seq, items: $0.value)) }.sorted { $0.node < $1.node }
    }

    /// Rank `rank`'s part in the allreduce of `step`, whose last member arrived `latest` into it.
    private func event(rank: Int, step: UInt64, latest: UInt64) -> InstanceEvent {
        let computed = compute(rank: rank, step: step)
        return InstanceEvent(communicator: 1, seq: step + 1, op: .allreduce, communicatorSize: UInt32(ranks), rank: rank,
                             enterNs: start(of: step) + computed, durationNs: latest - computed + allreduceCost(step: step),
                             gapNs: computed, bytes: 4 << 20)
    }

    private func completedSteps(afterNs: UInt64, throughNs: UInt64) -> [(step: UInt64, endNs: UInt64)] {
        var steps: [(UInt64, UInt64)] = []
        var step = stepRunning(at: max(afterNs, startNs))
        while true {
            if let fault, fault.stops, start(of: step + 1) > faultAtNs { break }
            let end = start(of: step + 1)
            if end > throughNs { break }
            if end > afterNs { steps.append((step, end)) }
            step += 1
        }
        return steps
    }

    private func instance(step: UInt64, atNs: UInt64) -> InstanceSummary {
        let arrivals = (0..<ranks).map { compute(rank: $0, step: step) }
        let latest = arrivals.max()!
        let last = arrivals.firstIndex(of: latest)!
        // Everyone left the previous allreduce together: the gap is the compute.
        return InstanceSummary(job: job, communicator: 1, seq: step + 1, op: .allreduce, size: ranks, bytes: 4 << 20,
                               shortestNs: allreduceCost(step: step), gapLeader: last, leaderGapNs: latest,
                               meanGapNs: arrivals.reduce(0, +) / UInt64(ranks), atNs: atNs)
    }

    /// A round of link probes between every two nodes, as agents report
    /// them when the server asks: 1 MiB at 100 MB/s (10 ms), `factor` times
    /// longer over a slow node's link.
    public func probes(atNs: UInt64) -> [LinkProbe] {
        ProbePlan.probes(among: nodes).map { probe in
            var transfer: UInt64 = 10_000_000
            if case .slowLink(let slow, let factor) = fault, atNs >= faultAtNs,
               [probe.from, probe.to].contains("node" + String(slow)) {
                transfer = UInt64(Double(transfer) * factor)
            }
            return LinkProbe(job: job, from: probe.from, to: probe.to, rttNs: 50_000, bytes: 1 << 20,
                             transferNs: transfer, atNs: atNs)
        }
    }

    /// Where a rank is at `atNs`: computing, or waiting in the step's
    /// allreduce (forever, once a stopping fault froze the job).
    private func snapshot(rank: Int, atNs: UInt64) -> RankSnapshot {
        let stopped = fault?.stops == true && atNs >= faultAtNs
        let step = stopped ? (faultAtNs - startNs) / stepNs : stepRunning(at: atNs)
        let entersAt = start(of: step) + compute(rank: rank, step: step)
        var waiting = stopped || atNs >= entersAt
        var status = RankStatus.running
        switch stopped ? fault : nil {
        case .hang(let culprit) where culprit == rank: waiting = false
        case .crash(let culprit) where culprit == rank: (waiting, status) = (false, .died)
        default: break
        }
        let entered = waiting ? step + 1 : step
        let blocked = waiting ? BlockedCall(op: .allreduce, communicator: 1, seq: step + 1, sinceNs: entersAt) : nil
        return RankSnapshot(
            identity: RankIdentity(job: job, rank: rank, worldSize: ranks, pid: Int32(10_000 + rank), host: node(of: rank)),
            status: status, exitStatus: nil, counters: RingCounters(consumed: entered), blocked: blocked,
            progress: [.init(communicator: 1, size: UInt32(ranks), lastSeqEntered: entered, lastSeqLeft: step)])
    }
}
