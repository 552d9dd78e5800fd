import VigilCore

extension Goodput {
    /// A stretch of wall time some cause claims.
    struct Claim: Equatable {
        var cause: Cause
        var fromNs: UInt64
        var toNs: UInt64
    }

    /// `job`'s goodput from what the store holds: its attempts, its
    /// recoveries and its checkpoints (any order).
    public static func of(job: String, runs: [JobRun], recoveries: [StoredRecovery], checkpoints: [StoredCheckpoint],
                          nowNs: UInt64) -> Goodput {
        of(job: job, runs: runs, recoveries: recoveries, timings: checkpoints.map(CheckpointTiming.init), nowNs: nowNs)
    }

    public static func of(job: String, runs: [JobRun], recoveries: [StoredRecovery], timings: [CheckpointTiming],
                          nowNs: UInt64) -> Goodput {
        let runs = runs.filter { $0.job == job }.sorted { $0.attempt < $1.attempt }
        let recoveries = recoveries.filter { $0.job == job }.sorted { $0.decidedNs < $1.decidedNs }
        let checkpoints = timings.filter { $0.job == job }
        guard let first = runs.first else {
            return Goodput(job: job, startedNs: nowNs, endNs: nowNs, productiveNs: 0, lostNs: [:], restarts: 0, stepsRolledBack: 0)
        }
        let end = endNs(runs: runs, recoveries: recoveries, nowNs: nowNs)
        // A record that waited is followed by the next decision about the job (acting, or waiting again).
        let untilNext = zip(recoveries, recoveries.dropFirst().map(\.decidedNs) + [end])
        var claims = untilNext.flatMap { recoveryClaims($0, endNs: $1) }
        claims += gaps(runs: runs, endNs: end).map { Claim(cause: .down, fromNs: $0.0, toNs: $0.1) }
        claims += recoveries.compactMap { recomputation($0, checkpoints: checkpoints, jobStartNs: first.startedNs) }
        claims += checkpoints.compactMap(blocking)
        let lost = tally(claims, fromNs: first.startedNs, toNs: end)
        let wall = end - min(end, first.startedNs)
        return Goodput(job: job, startedNs: first.startedNs, endNs: end, productiveNs: wall - min(wall, lost.values.reduce(0, +)),
                       lostNs: lost, restarts: recoveries.filter { $0.firstStepNs != nil }.count,
                       stepsRolledBack: recoveries.reduce(0) { $0 + rolledBack($1, checkpoints: checkpoints) })
    }

    /// Every job with an attempt, the one started most recently first.
    public static func ofEachJob(runs: [JobRun], recoveries: [StoredRecovery], checkpoints: [StoredCheckpoint],
                                 nowNs: UInt64) -> [Goodput] {
        ofEachJob(runs: runs, recoveries: recoveries, timings: checkpoints.map(CheckpointTiming.init), nowNs: nowNs)
    }

    public static func ofEachJob(runs: [JobRun], recoveries: [StoredRecovery], timings: [CheckpointTiming],
                                 nowNs: UInt64) -> [Goodput] {
        let latest = Dictionary(grouping: runs, by: \.job).mapValues { $0.map(\.startedNs).max() ?? 0 }
        return latest.sorted { ($0.value, $0.key) > ($1.value, $1.key) }.map { job, _ in
            of(job: job, runs: runs, recoveries: recoveries, timings: timings, nowNs: nowNs)
        }
    }

    /// Now while an attempt runs or a recovery is under way; else when the last attempt ended.
    static func endNs(runs: [JobRun], recoveries: [StoredRecovery], nowNs: UInt64) -> UInt64 {
        let last = runs[runs.count - 1]
        let recovering: Set<StoredRecovery.State> = [.waiting, .awaitingApproval, .stopping, .launching, .starting]
        guard let ended = last.endedNs, last.state != .running,
              !recoveries.contains(where: { recovering.contains($0.state) && $0.attempt >= last.attempt }) else { return nowNs }
        return max(ended, recoveries.compactMap(\.firstStepNs).max() ?? 0)
    }

    /// What a recovery cost, step by step; a step not reached runs to `endNs` (waiting: to the next decision).
    static func recoveryClaims(_ r: StoredRecovery, endNs: UInt64) -> [Claim] {
        switch r.state {
        case .ignored, .dryRun: return []
        case .waiting, .awaitingApproval:
            return [Claim(cause: .detection, fromNs: r.firstSeenNs, toNs: r.detectedNs),
                    Claim(cause: .waiting, fromNs: r.detectedNs, toNs: endNs)]
        case .gaveUp: return [Claim(cause: .down, fromNs: r.firstSeenNs, toNs: endNs)]
        case .stopping, .launching, .starting, .training, .failed: break
        }
        let go = r.approvedNs ?? r.decidedNs
        let stopped = r.stoppedNs ?? endNs, back = r.firstStepNs ?? endNs
        var claims = [Claim(cause: .detection, fromNs: r.firstSeenNs, toNs: r.detectedNs),
                      Claim(cause: .waiting, fromNs: r.detectedNs, toNs: go),
                      Claim(cause: .stop, fromNs: go, toNs: stopped),
                      Claim(cause: .relaunch, fromNs: stopped, toNs: back)]
        if let restored = r.restoredNs, let took = r.restoreNs {
            claims.append(Claim(cause: .restore, fromNs: restored - min(restored, took), toNs: restored))
        }
        return claims
    }

    /// Stretches inside [first start, end) with no attempt running.
    static func gaps(runs: [JobRun], endNs: UInt64) -> [(UInt64, UInt64)] {
        var gaps: [(UInt64, UInt64)] = []
        var coveredTo = runs[0].startedNs
        for run in runs.sorted(by: { $0.startedNs < $1.startedNs }) {
            if run.startedNs > coveredTo { gaps.append((coveredTo, run.startedNs)) }
            coveredTo = max(coveredTo, run.state == .running ? endNs : run.endedNs ?? endNs)
        }
        if coveredTo < endNs { gaps.append((coveredTo, endNs)) }
        return gaps
    }

    /// The training lost to a recovery that brought the job back: since
    /// the restored step was saved, or since the job began when none was restored.
    static func recomputation(_ r: StoredRecovery, checkpoints: [CheckpointTiming], jobStartNs: UInt64) -> Claim? {
        guard r.firstStepNs != nil else { return nil }
        let from = r.restoredStep.flatMap { step in checkpoints.first { $0.step == step }?.startedNs } ?? jobStartNs
        return Claim(cause: .recomputation, fromNs: from, toNs: r.firstSeenNs)
    }

    /// Training waiting on a checkpoint's copy: the longest any rank waited, from its start.
    static func blocking(_ checkpoint: CheckpointTiming) -> Claim? {
        checkpoint.blockedNs == 0 ? nil : Claim(cause: .checkpointBlocking, fromNs: checkpoint.startedNs,
                                                toNs: checkpoint.startedNs + checkpoint.blockedNs)
    }

    /// Steps redone after `r`'s restore: the step rate between the last
    /// two checkpoints before the fault, over the time since the restored one.
    static func rolledBack(_ r: StoredRecovery, checkpoints: [CheckpointTiming]) -> Int64 {
        guard r.firstStepNs != nil, let step = r.restoredStep,
              let restored = checkpoints.first(where: { $0.step == step }) else { return 0 }
        let before = checkpoints.filter { $0.startedNs < r.firstSeenNs }.sorted { $0.startedNs < $1.startedNs }.suffix(2)
        let newest = before.last?.step ?? step
        guard before.count == 2, let a = before.first, let b = before.last, b.step > a.step, b.startedNs > a.startedNs else {
            return max(0, newest - step)
        }
        let perNs = Double(b.step - a.step) / Double(b.startedNs - a.startedNs)
        let estimate = Int64((perNs * Double(r.firstSeenNs - min(r.firstSeenNs, restored.startedNs))).rounded(.down))
        return max(newest - step, estimate)
    }

    /// Each instant of [from, to) given to the first cause (in `Cause.allCases` order) claiming it: one sweep over the edges.
    static func tally(_ claims: [Claim], fromNs: UInt64, toNs: UInt64) -> [Cause: UInt64] {
        let order = Dictionary(uniqueKeysWithValues: Cause.allCases.enumerated().map { ($1, $0) })
        var edges: [(ns: UInt64, cause: Int, delta: Int)] = []
        for c in claims {
            let (a, b) = (max(c.fromNs, fromNs), min(c.toNs, toNs))
            guard a < b else { continue }
            edges += [(a, order[c.cause]!, 1), (b, order[c.cause]!, -1)]
        }
        edges.sort { $0.ns < $1.ns }
        var open = [Int](repeating: 0, count: Cause.allCases.count)
        var lost: [Cause: UInt64] = [:]
        for (edge, next) in zip(edges, edges.dropFirst() + [(toNs, 0, 0)]) {
            open[edge.cause] += edge.delta
            if next.ns > edge.ns, let owner = open.firstIndex(where: { $0 > 0 }) {
                lost[Cause.allCases[owner], default: 0] += next.ns - edge.ns
            }
        }
        return lost
    }
}
