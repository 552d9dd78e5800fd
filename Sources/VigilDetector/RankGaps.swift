/// Each rank's compute between collectives, smoothed (a moving average of
/// the instance events' gaps), per job: the console's lateness. Indexed by
/// rank, so the join's per-event cost is an array store.
struct RankGaps: Sendable {
    private var perJob: [[UInt64]] = []
    /// Ranks above this are not tracked (a world larger than any real job): a job's array stays under 1 MiB.
    static let maxRank = 1 << 17

    mutating func record(job: Int32, rank: Int, gapNs: UInt64) {
        guard gapNs > 0, rank >= 0, rank < Self.maxRank else { return }
        let j = Int(job)
        if j >= perJob.count { perJob += [[UInt64]](repeating: [], count: j + 1 - perJob.count) }
        if rank >= perJob[j].count { perJob[j] += [UInt64](repeating: 0, count: rank + 1 - perJob[j].count) }
        let old = perJob[j][rank]
        // An eighth of each new gap: steady within a few dozen instances.
        perJob[j][rank] = old == 0 ? gapNs : old - old / 8 + gapNs / 8
    }

    /// Forgets every job but `jobs` (the detector forgot the rest: ended, or long gone).
    mutating func forget(job: Int32) {
        if Int(job) < perJob.count { perJob[Int(job)] = [] }
    }

    mutating func keep(jobs: Set<Int32>) {
        for j in perJob.indices where !jobs.contains(Int32(j)) { perJob[j] = [] }
    }

    /// Rank → smoothed gap (ns) for ranks with one.
    func gaps(job: Int32) -> [Int: UInt64] {
        guard Int(job) < perJob.count else { return [:] }
        var out: [Int: UInt64] = [:]
        for (rank, gap) in perJob[Int(job)].enumerated() where gap > 0 { out[rank] = gap }
        return out
    }
}
