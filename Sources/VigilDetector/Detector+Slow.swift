import VigilCore

extension Detector {
    /// C4's slow rules on one communicator's recent instances: the same rank
    /// computing longest before the collective most of the time, its peers
    /// waiting on it (a straggler), else the collective itself costing a
    /// multiple of its normal with everyone present (communication slow),
    /// localized through link probes. Compute, not arriving last: a slow
    /// network makes some rank leave each collective last, and so arrive
    /// last at the next, without computing any slower; and a rank starved
    /// of CPU is slow inside the collective too, so it may not spend the
    /// least time there. (Compute is the rank-local gap between its
    /// collectives, less its point-to-point time: no cross-node clock.)
    /// A slowness already standing on the communicator is judged by the
    /// lower clear thresholds (hysteresis): it is not resolved and raised
    /// again each time it wavers around the raise threshold. Collectives too
    /// slow for any window to judge may still show a crawling link.
    mutating func slowness(on key: CommunicatorKey, nowNs: UInt64) -> Incident? {
        guard let window = observed.windows[key] else { return nil }
        let recent = window.recent(sinceNs: nowNs - min(nowNs, configuration.windowNs))
        let standing = isStanding(Self.slowClasses, on: key)
        guard recent.count >= configuration.minimumInstances else {
            return window.wasJudged ? crawling(on: key, recent: recent, standing: standing, nowNs: nowNs) : nil
        }
        observed.windows[key]?.wasJudged = true
        if let straggler = straggler(on: key, recent: recent, emerging: false, standing: standing, nowNs: nowNs) {
            return straggler
        }
        // A rank starved of CPU is slow inside collectives too: while one is
        // emerging as a straggler (leading the compute in twice its fair
        // share of instances, its peers waiting half as long as a straggler's
        // would), the slow collective is not the network's.
        guard straggler(on: key, recent: recent, emerging: true, standing: standing, nowNs: nowNs) == nil else { return nil }
        if let slow = communicationSlow(on: key, recent: recent, perOp: configuration.minimumInstances / 2, standing: standing,
                                        nowNs: nowNs) {
            return explained(slow.incident, linksDegraded: slow.linksDegraded, on: key, nowNs: nowNs)
        }
        return crawling(on: key, recent: recent, standing: standing, nowNs: nowNs)
    }

    /// A crawl is judged on this many of a kind's newest collectives.
    static let crawlingInstances = 3

    /// A link slowed twentyfold lets too few collectives through for a
    /// window to judge (or to judge soon: the window is still full of the
    /// ones before), and each ends before it would count as hung. Of each
    /// kind of collective, the newest few (`crawlingInstances`) are judged
    /// on their own cost when they typically took longer inside, every
    /// member present, than a window's share (`windowNs /
    /// minimumInstances`: at that pace no window ever holds enough), in a
    /// communicator judged before (its normal is known). The newest, not
    /// the slow ones picked out: a few slow ones among many are jitter.
    /// Who computes longest needs a full window.
    private mutating func crawling(on key: CommunicatorKey, recent: [InstanceWindow.Entry], standing: Bool,
                                   nowNs: UInt64) -> Incident? {
        let share = configuration.windowNs / UInt64(max(configuration.minimumInstances, 1))
        // Per kind: the small collectives between them are fast even on a crawling link.
        let crawl = Dictionary(grouping: recent, by: \.op).values.flatMap { entries in
            let newest = entries.suffix(Self.crawlingInstances)
            return (newest.map(\.shortestNs).median ?? 0) >= share ? Array(newest) : []
        }
        guard crawl.count >= Self.crawlingInstances,
              let slow = communicationSlow(on: key, recent: crawl, perOp: Self.crawlingInstances, standing: standing, nowNs: nowNs)
        else { return nil }
        return explained(slow.incident, linksDegraded: slow.linksDegraded, on: key, nowNs: nowNs)
    }

    func isStanding(_ classes: Set<Incident.Class>, on key: CommunicatorKey) -> Bool {
        book.standing(classes, job: key.job, communicator: key.communicator) != nil
    }

    /// Judged per (op, size, payload): compute precedes some collectives of
    /// a step (the gradient allreduce), not others (the loss allreduce).
    private mutating func straggler(on key: CommunicatorKey, recent: [InstanceWindow.Entry], emerging: Bool,
                                    standing: Bool, nowNs: UInt64) -> Incident? {
        let groups = Dictionary(grouping: recent, by: \.op).values.filter { $0.count >= configuration.minimumInstances / 2 }
        return groups.compactMap {
            straggler(on: key, group: $0, of: recent.count, emerging: emerging, standing: standing, nowNs: nowNs)
        }.max { $0.confidence < $1.confidence }
    }

    private mutating func straggler(on key: CommunicatorKey, group: [InstanceWindow.Entry], of all: Int, emerging: Bool,
                                    standing: Bool, nowNs: UInt64) -> Incident? {
        var leads: [Int: Int] = [:]
        for entry in group { leads[entry.gapLeader, default: 0] += 1 }
        guard let (rank, times) = leads.max(by: { ($0.value, -$0.key) < ($1.value, -$1.key) }),
              let seen = observed.ranks[RankKey(job: key.job, rank: rank)] else { return nil }
        // A leader whose cgroup throttles it is slow by its own CPU, seen
        // directly: it needs to lead only as often as a standing straggler,
        // and its peers to wait on it at all (starved of CPU, it is slow
        // inside the collective too, so little of its lag shows as compute).
        let byOwnCPU = seen.throttledShare >= configuration.throttledShare
        let share = standing || byOwnCPU ? configuration.stragglerClearShare : configuration.stragglerShare
        let minimum = emerging ? min(share, 2 / Double(max(group[0].op.size, 1))) : share
        let leading = Double(times) / Double(group.count)
        guard leading >= minimum else { return nil }
        let lag = group.filter { $0.gapLeader == rank }.map(\.excessGapNs).median ?? 0
        // This collective's own interval: the communicator's, times how many of its collectives are this one.
        let interval = (observed.pace[key]?.intervalNs ?? 0) * Double(all) / Double(group.count)
        let fraction = byOwnCPU ? 0 : configuration.stragglerLagFraction * (emerging ? 0.5 : 1)
        let threshold = max(configuration.stragglerLagFloorNs, UInt64(fraction * interval))
        guard lag >= threshold else { return nil }
        let first = group.first { $0.gapLeader == rank }
        let summary = "rank \(rank) computed longest before \(times) of \(group.count) "
            + "\(Self.describe(group[0].op)) (#\(group.first!.seq)–#\(group.last!.seq)); the others waited "
            + "\(QuantityText.milliseconds(lag)) for it, \(QuantityText.percent(Double(lag) / max(interval, 1))) of the \(QuantityText.milliseconds(UInt64(interval))) interval"
        var evidence = Incident.Evidence(summary: summary + Self.throttling(of: seen), communicator: key.communicator,
                                         seq: group.last?.seq,
                                         expectedNs: threshold, observedNs: lag, takenNs: nowNs)
        (evidence.members, evidence.otherMembers) = instanceMembers(on: key, of: group[0].op, culprit: rank, nowNs: nowNs)
        return Incident(job: key.job, incidentClass: .straggler, suspects: [.init(node: seen.node, rank: rank)],
                        confidence: leading, evidence: evidence, firstSeenNs: first?.atNs ?? nowNs, detectedNs: nowNs)
    }

    /// The members of a recent instance of `op`, captured whole for the
    /// evidence (the join keeps only aggregates): asked for here, recorded by
    /// the monitor from the next instance on, renewed every refresh.
    private mutating func instanceMembers(on key: CommunicatorKey, of op: InstanceWindow.OpKey, culprit: Int,
                                          nowNs: UInt64) -> (members: [Incident.Member]?, left: Int?) {
        let want = InstanceCapture.Want(op: op.op, size: op.size, bytesBucket: op.bytesBucket)
        let captured = observed.timelines[key].flatMap { $0.want == want ? $0 : nil }
        if captured.map({ nowNs - min(nowNs, $0.atNs) >= configuration.refreshNs }) ?? true { timelinesWanted[key] = want }
        guard let captured else { return (nil, nil) }
        let members = captured.events.map { event in
            Incident.Member(rank: event.rank, node: observed.ranks[RankKey(job: key.job, rank: event.rank)]?.node ?? "?",
                            state: .arrived, enteredNs: event.enterNs, insideNs: event.durationNs, computeNs: event.gapNs)
        }
        let sample = Incident.Member.sample(culprits: members.filter { $0.rank == culprit },
                                            others: members.filter { $0.rank != culprit })
        return (sample.members, sample.left)
    }

    /// "allreduce of ≤1 MiB over 4 ranks"
    static func describe(_ op: InstanceWindow.OpKey) -> String {
        let bytes = op.bytesBucket == 0 ? 0 : UInt64(1) << UInt64(op.bytesBucket - 1)
        let size = bytes >= 1 << 20 ? "\(bytes >> 20) MiB" : bytes >= 1 << 10 ? "\(bytes >> 10) KiB" : "\(bytes) B"
        return "\(op.op.name) of ≥\(size) over \(op.size) ranks"
    }

    /// The op costing the largest multiple of its normal with every member
    /// present, of those with at least `perOp` instances in `recent`.
    private mutating func communicationSlow(on key: CommunicatorKey, recent: [InstanceWindow.Entry], perOp: Int, standing: Bool,
                                            nowNs: UInt64) -> (incident: Incident, linksDegraded: Bool)? {
        let factor = standing ? configuration.communicationClearFactor : configuration.communicationSlowFactor
        var worst: (op: InstanceWindow.OpKey, normal: Double, typical: UInt64, entries: [InstanceWindow.Entry])?
        for (op, entries) in Dictionary(grouping: recent, by: \.op) where entries.count >= perOp {
            guard let normal = observed.windows[key]?.cost[op]?.value, let typical = entries.map(\.shortestNs).median else { continue }
            observed.windows[key]?.follow(op, typicalNs: Double(typical))
            let slow = Double(typical) >= factor * normal
                && typical >= UInt64(normal) + configuration.communicationSlowFloorNs
            if slow, worst.map({ Double(typical) / normal > Double($0.typical) / $0.normal }) ?? true {
                worst = (op, normal, typical, entries)
            }
        }
        guard let worst else { return nil }
        let nodes = Set(communicatorMembers[key]?.map(\.node) ?? [])
        let link = linkSuspects(on: key, nodes: nodes, nowNs: nowNs)
        let ratio = Double(worst.typical) / worst.normal
        let summary = "\(Self.describe(worst.op)) takes \(QuantityText.milliseconds(worst.typical)) with every member "
            + "present, \(QuantityText.factor(ratio)) its normal \(QuantityText.milliseconds(UInt64(worst.normal))); no straggler" + link.probed
        let incident = Incident(job: key.job, incidentClass: .communicationSlow, suspects: link.suspects.map { .init(node: $0) },
                                confidence: 1 / Double(max(link.suspects.count, 1)),
                                evidence: .init(summary: summary, communicator: key.communicator, seq: worst.entries.last?.seq,
                                                expectedNs: UInt64(worst.normal), observedNs: worst.typical),
                                firstSeenNs: worst.entries.first?.atNs ?? nowNs, detectedNs: nowNs)
        return (incident, link.placed)
    }

    /// Where a slowness among `nodes` lies: a node whose every probed pair
    /// is slow is its link; else the nodes in the most slow pairs among
    /// them; else (no probe since it began) all of them, not placed. With
    /// the probes' numbers for the evidence ("; probed links below…", or "").
    mutating func linkSuspects(on key: CommunicatorKey, nodes: Set<String>,
                               nowNs: UInt64) -> (suspects: [String], placed: Bool, probed: String) {
        let located = placedByProbes(on: key, nodes: nodes, nowNs: nowNs)
        let probed = located.evidence.isEmpty ? "" : "; probed links below the median: " + located.evidence.prefix(6).map {
            "\($0.pair.a)↔\($0.pair.b) \(QuantityText.rate($0.now)) (median \(QuantityText.rate($0.normal)))"
        }.joined(separator: ", ")
        let placed = located.nodes.isEmpty ? Self.busiestEnds(of: located.evidence, among: nodes) : located.nodes
        return (placed.isEmpty ? nodes.sorted() : placed, !placed.isEmpty, probed)
    }

    /// What the link probes say of a slowness among `nodes`: only probes
    /// since it began count (probed before, a link now slow measured fast),
    /// and only once every pair of the job's nodes has one — a round under
    /// way at the onset, half before and half after, would name both ends
    /// of the one slow pair it measured. Until then, nothing (the verdict
    /// waits for a fresh round, Detector+Cause).
    private mutating func placedByProbes(on key: CommunicatorKey, nodes: Set<String>,
                                         nowNs: UInt64) -> (nodes: [String], evidence: [LinkMatrix.Measured]) {
        let standing = book.standing(Self.slowClasses, job: key.job, communicator: key.communicator)
        let onset = probes.onset(key, fallback: standing?.firstSeenNs ?? nowNs)
        guard let matrix = observed.links[key.job] else { return ([], []) }
        let since = max(nowNs - min(nowNs, configuration.probeValidityNs), onset)
        let peers = self.nodes(of: key.job).union(nodes)
        guard matrix.pairsMeasured(among: peers, sinceNs: since) >= peers.count * (peers.count - 1) / 2 else { return ([], []) }
        return matrix.suspects(among: nodes, peers: peers, sinceNs: since, degraded: configuration.linkDegradedFraction)
    }

    /// The nodes of `nodes` at the end of the most slow pairs between two of
    /// them: one slow pair names both its ends; a slow node's pairs, one of
    /// them measured fast by chance, still name it alone, not its peers.
    static func busiestEnds(of slow: [LinkMatrix.Measured], among nodes: Set<String>) -> [String] {
        var count: [String: Int] = [:]
        for cell in slow where nodes.contains(cell.pair.a) && nodes.contains(cell.pair.b) {
            count[cell.pair.a, default: 0] += 1
            count[cell.pair.b, default: 0] += 1
        }
        guard let most = count.values.max() else { return [] }
        return count.filter { $0.value == most }.keys.sorted()
    }
}
