/// The straggler of a job paced by point-to-point traffic (a pipeline, a
/// halo exchange), which has too few collectives for C4's rule: the rank
/// its peers keep waiting on while it computes. Waiting is measured, not
/// inferred: each rank's agent samples what it is blocked in and with whom
/// (`WaitProfile`). A Waitall lists every peer of its requests, so a rank
/// is credited with a peer's wait only in proportion to its own computing:
/// a neighbour that itself mostly waits (on the straggler) is a victim,
/// not a cause. Pure: totals in, verdict out.
struct PointToPointStraggler: Sendable {
    var rank: Int
    /// Share of the window the straggler spent outside any blocking call.
    var computingShare: Double
    /// The ranks that waited on it directly, with the share of their time.
    var waiters: [(rank: Int, share: Double)]
    /// The ranks that spent at least `waitShare` of their time blocked at all (victims, never blamed).
    var victims: [Int]
    /// Its score against the runner-up's: how clearly it stands out.
    var margin: Double

    struct Thresholds: Sendable {
        /// A waiter spends at least this share of its time blocked with the straggler among its peers…
        var waitShare: Double
        /// …the straggler computes at least half the time, and this share of the time more than its waiters (median)…
        var computeGap: Double
        /// …and its score is at least this multiple of any other rank's.
        var margin: Double
        /// Every rank judged has at least this much time sampled.
        var minimumSpanNs: UInt64
        /// Ranks whose cgroup throttles them: slow by their own CPU, they need
        /// to stand out half as far (gap), and only by 1.15× (margin).
        var throttled: Set<Int> = []

        func gap(for rank: Int) -> Double { throttled.contains(rank) ? computeGap / 2 : computeGap }
        func margin(for rank: Int) -> Double { throttled.contains(rank) ? min(margin, 1.15) : margin }
    }

    static func judge(_ totals: [Int: PointToPointWaits.Totals], _ t: Thresholds) -> PointToPointStraggler? {
        let judged = totals.filter { $0.value.spanNs >= t.minimumSpanNs }
        guard judged.count >= 2 else { return nil }
        // How much of others' time went waiting on each rank, weighted by how much that rank computed meanwhile.
        var score: [Int: Double] = [:]
        for (rank, own) in judged {
            let waitedOn = judged.filter { $0.key != rank }.map { $0.value.share(waitingOn: rank) }.reduce(0, +)
            score[rank] = waitedOn * own.computingShare
        }
        let ranked = score.sorted { ($0.value, -$0.key) > ($1.value, -$1.key) }
        guard let (leader, best) = ranked.first, best > 0, let own = judged[leader] else { return nil }
        let runnerUp = ranked.dropFirst().first?.value ?? 0
        guard best >= t.margin(for: leader) * runnerUp else { return nil }
        let waiters = judged.filter { $0.key != leader }
            .map { (rank: $0.key, share: $0.value.share(waitingOn: leader)) }
            .filter { $0.share >= t.waitShare }.sorted { ($0.share, -$0.rank) > ($1.share, -$1.rank) }
        guard !waiters.isEmpty,
              let typical = waiters.compactMap({ judged[$0.rank]?.computingShare }).median,
              own.computingShare >= 0.5, own.computingShare - typical >= t.gap(for: leader) else { return nil }
        let victims = judged.filter { $0.key != leader && 1 - $0.value.computingShare >= t.waitShare }.keys.sorted()
        return PointToPointStraggler(rank: leader, computingShare: own.computingShare, waiters: waiters,
                                     victims: victims, margin: runnerUp > 0 ? best / runnerUp : .infinity)
    }
}
