import VigilCore

extension Detector {
    /// One job's point-to-point window, as both rules read it: its running
    /// ranks and, per rank, its time over the last `pointToPointWindowNs`.
    struct PointToPointWindow {
        var running: [Observed]
        var totals: [Int: PointToPointWaits.Totals]
    }

    /// Each job's window, summed once per evaluation (the jobs in `excluded` not at all).
    func pointToPointWindows(excluding excluded: Set<String>, nowNs: UInt64) -> [String: PointToPointWindow] {
        let since = nowNs - min(nowNs, configuration.pointToPointWindowNs)
        var running: [String: [Observed]] = [:]
        for seen in observed.ranks.values where seen.snapshot.status == .running {
            running[seen.snapshot.identity.job, default: []].append(seen)
        }
        var windows: [String: PointToPointWindow] = [:]
        for (job, waits) in observed.waits where !excluded.contains(job) {
            let ranks = running[job] ?? []
            let totals = waits.totals(sinceNs: since, alive: Set(ranks.map(\.snapshot.identity.rank)))
            windows[job] = PointToPointWindow(running: ranks, totals: totals)
        }
        return windows
    }

    /// Stragglers in jobs paced by point-to-point traffic, judged on the
    /// ranks' wait profiles over the window (PointToPointStraggler).
    func pointToPointStragglers(in windows: [String: PointToPointWindow], nowNs: UInt64) -> [Incident] {
        windows.compactMap { job, window in
            let throttled = window.running.filter { $0.throttledShare >= configuration.throttledShare }.map(\.snapshot.identity.rank)
            guard let verdict = PointToPointStraggler.judge(window.totals, thresholds(throttled: throttled)),
                  let seen = observed.ranks[RankKey(job: job, rank: verdict.rank)] else { return nil }
            return incident(verdict, seen: seen, job: job, nowNs: nowNs)
        }
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
