import VigilCore

extension SyntheticJob {
    /// Everything the server would have heard in (`afterNs`, `atNs`], fed to
    /// `detector` as the server feeds it; how many instance records that was.
    @discardableResult
    public func feed(_ detector: inout Detector, afterNs: UInt64, atNs: UInt64) -> Int {
        let (snapshots, heartbeats) = observe(atNs: atNs)
        for (snapshot, node) in snapshots { detector.observe(snapshot, node: node, atNs: atNs) }
        for node in heartbeats { detector.heartbeat(node: node, atNs: atNs) }
        let instances = instances(afterNs: afterNs, throughNs: atNs)
        for instance in instances { detector.observe(instance) }
        for window in links(afterNs: afterNs, throughNs: atNs, steps: instances.count) { detector.observe(window, atNs: atNs) }
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
        var summaries: [InstanceSummary] = []
        var step = stepRunning(at: max(afterNs, startNs))
        while true {
            if let fault, fault.stops, start(of: step + 1) > faultAtNs { break }
            let end = start(of: step + 1)
            if end > throughNs { break }
            if end > afterNs { summaries.append(instance(step: step, atNs: end)) }
            step += 1
        }
        return summaries
    }

    private func instance(step: UInt64, atNs: UInt64) -> InstanceSummary {
        let arrivals = (0..<ranks).map { compute(rank: $0, step: step) }
        let latest = arrivals.max()!
        let last = arrivals.firstIndex(of: latest)!
        let cost = allreduceCost(step: step)
        let waited = arrivals.reduce(UInt64(0)) { $0 + (latest - $1) } / UInt64(ranks)
        return InstanceSummary(job: job, communicator: 1, seq: step + 1, op: .allreduce, size: ranks, lastArriver: last,
                               shortestNs: cost, meanNs: cost + waited, atNs: atNs)
    }

    /// Each rank's halo window with the next rank over `steps` steps in
    /// (`afterNs`, `throughNs`]: 16 KiB a step, 100 µs on the wire between
    /// nodes (10 µs within one), `factor` times longer over a slow node's link.
    public func links(afterNs: UInt64, throughNs: UInt64, steps count: Int) -> [LinkWindow] {
        let steps = UInt64(count)
        guard steps > 0 else { return [] }
        return (0..<ranks).map { rank in
            let peer = (rank + 1) % ranks
            var busy: UInt64 = node(of: rank) == node(of: peer) ? 10_000 : 100_000
            if case .slowLink(let slow, let factor) = fault, throughNs >= faultAtNs,
               [node(of: rank), node(of: peer)].contains("node" + String(slow)), node(of: rank) != node(of: peer) {
                busy = UInt64(Double(busy) * factor)
            }
            var traffic = PeerTraffic(peer: Int32(peer))
            (traffic.sent, traffic.sentBytes, traffic.sendBusyNs) = (steps, steps * 16_384, steps * busy)
            return LinkWindow(job: job, rank: rank, peer: peer, startNs: afterNs, endNs: throughNs, traffic: traffic)
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
