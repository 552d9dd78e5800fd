import VigilCore

extension Detector {
    /// Stragglers in jobs paced by point-to-point traffic, judged on the
    /// ranks' wait profiles over `pointToPointWindowNs` (PointToPointStraggler);
    /// not in a job found hung (a stopped rank is waited on too, and is a hang).
    func pointToPointStragglers(excluding hung: Set<String>, nowNs: UInt64) -> [Incident] {
        let since = nowNs - min(nowNs, configuration.pointToPointWindowNs)
        return observed.waits.compactMap { job, waits in
            guard !hung.contains(job) else { return nil }
            let running = observed.ranks.filter { $0.key.job == job && $0.value.snapshot.status == .running }
            let totals = waits.totals(sinceNs: since, alive: Set(running.keys.map(\.rank)))
            guard let verdict = PointToPointStraggler.judge(totals, thresholds(throttled: running.values.filter {
                $0.throttledShare >= configuration.throttledShare }.map(\.snapshot.identity.rank))),
                  let seen = observed.ranks[RankKey(job: job, rank: verdict.rank)] else { return nil }
            return incident(verdict, seen: seen, job: job, nowNs: nowNs)
        }
    }

    /// Communication slow in jobs paced by point-to-point traffic
    /// (PointToPointSlowdown), judged as the world communicator's (whose
    /// collectives, if any, find the same link): placed by the link probes
    /// like a collective's, its cause weighed the same way (a throttled
    /// rank, a contended node). Not in a job found hung or with a straggler.
    mutating func pointToPointSlowness(excluding judged: Set<String>, nowNs: UInt64) -> [Incident] {
        let since = nowNs - min(nowNs, configuration.pointToPointWindowNs)
        return observed.waits.keys.sorted().compactMap { job in
            let running = observed.ranks.filter { $0.key.job == job && $0.value.snapshot.status == .running }.map(\.value)
            let totals = observed.waits[job]!.totals(sinceNs: since, alive: Set(running.map(\.snapshot.identity.rank)))
            let minimumSpanNs = configuration.pointToPointWindowNs / 2
            guard !judged.contains(job),
                  let typical = PointToPointSlowdown.typicalComputingShare(totals, minimumSpanNs: minimumSpanNs) else { return nil }
            guard let normal = observed.waits[job]!.normalComputing.value else {
                observed.waits[job]!.normalComputing.learn(typical, atNs: nowNs)
                return nil
            }
            let key = CommunicatorKey(job: job, communicator: Self.worldCommunicator)
            let factor = isStanding(Self.slowClasses, on: key) ? configuration.pointToPointClearFactor
                : configuration.pointToPointSlowFactor
            guard let slowdown = PointToPointSlowdown.judge(totals, normal: normal, .init(factor: factor, spread: configuration.pointToPointComputeGap, minimumSpanNs: minimumSpanNs))
            else {
                observed.waits[job]!.normalComputing.follow(typical)
                return nil
            }
            return incident(slowdown, on: key, running: running, nowNs: nowNs)
        }
    }

    /// libvigil's id of MPI_COMM_WORLD.
    static let worldCommunicator: UInt64 = 1

    private mutating func incident(_ slowdown: PointToPointSlowdown, on key: CommunicatorKey, running: [Observed],
                                   nowNs: UInt64) -> Incident? {
        let link = linkSuspects(on: key, nodes: Set(running.map(\.node)), nowNs: nowNs)
        let pairs = slowdown.pairs.prefix(4).map { "\($0.a)↔\($0.b) \(QuantityText.percent($0.share / 2))" }.joined(separator: ", ")
        let summary = "point-to-point exchanges run \(QuantityText.factor(slowdown.factor)) slower than normal with every "
            + "rank present: the typical rank computed \(QuantityText.percent(slowdown.computingShare)) of the last "
            + "\(DurationText.whole(configuration.pointToPointWindowNs)) (normal \(QuantityText.percent(slowdown.normalShare))), "
            + "waiting on its peers the rest; no straggler; the ranks waiting on each other most (share of their time): \(pairs)" + link.probed
        let window = Double(configuration.pointToPointWindowNs)
        let evidence = Incident.Evidence(summary: summary, communicator: key.communicator,
                                         expectedNs: UInt64((1 - slowdown.normalShare) * window),
                                         observedNs: UInt64((1 - slowdown.computingShare) * window), takenNs: nowNs)
        let slow = Incident(job: key.job, incidentClass: .communicationSlow, suspects: link.suspects.map { .init(node: $0) },
                            confidence: 1 / Double(max(link.suspects.count, 1)), evidence: evidence,
                            firstSeenNs: nowNs, detectedNs: nowNs)
        return explained(slow, linksDegraded: link.placed, on: key, members: running, nowNs: nowNs)
    }

    /// A rank its cgroup throttles is slow by its own CPU, seen directly:
    /// it needs to stand out less (as for collectives).
    private func thresholds(throttled: [Int]) -> PointToPointStraggler.Thresholds {
        PointToPointStraggler.Thresholds(
            waitShare: configuration.pointToPointWaitShare, computeGap: configuration.pointToPointComputeGap,
            margin: configuration.pointToPointMargin, minimumSpanNs: configuration.pointToPointWindowNs / 2,
            throttled: Set(throttled))
    }

    private func incident(_ verdict: PointToPointStraggler, seen: Observed, job: String, nowNs: UInt64) -> Incident {
        let window = configuration.pointToPointWindowNs
        let waiters = verdict.waiters.prefix(6).map { "\($0.rank) (\(QuantityText.percent($0.share)) of its time)" }
        let summary = "rank \(verdict.rank) computed \(QuantityText.percent(verdict.computingShare)) of the last "
            + "\(DurationText.whole(window)) while rank\(waiters.count > 1 ? "s" : "") "
            + waiters.joined(separator: ", ") + " waited on it in point-to-point calls"
            + (verdict.margin.isFinite ? ", \(QuantityText.factor(verdict.margin)) the waiting on any other rank" : "")
            + Self.throttling(of: seen)
        var evidence = Incident.Evidence(summary: summary, expectedNs: UInt64(configuration.pointToPointWaitShare * Double(window)),
                                         observedNs: UInt64((verdict.waiters.first?.share ?? 0) * Double(window)), takenNs: nowNs)
        evidence.victims = Array(verdict.victims.prefix(Incident.Evidence.victimLimit))
        evidence.victimCount = verdict.victims.count
        return Incident(job: job, incidentClass: .straggler, suspects: [.init(node: seen.node, rank: verdict.rank)],
                        confidence: min(1, verdict.computingShare), evidence: evidence,
                        firstSeenNs: nowNs, detectedNs: nowNs)
    }
}
