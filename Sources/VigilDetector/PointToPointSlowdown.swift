/// Communication slow in a job paced by point-to-point traffic: every rank
/// present, its time going into waiting on its peers rather than computing,
/// the job's pace a multiple of its own normal, and nobody computing more
/// than normal. A straggler computes while the others wait on it; a slow
/// link makes everyone wait (both ends of an exchange blocked on each
/// other), so the typical rank computes a fraction of its normal share.
/// The pace is wall time per unit of compute: 1 / the typical rank's
/// computing share, against the same learned while healthy. Pure: totals in,
/// verdict out; which link is slow is the probes' to say.
struct PointToPointSlowdown: Sendable {
    /// The typical (median) rank's computing share now, and normally.
    var computingShare: Double
    var normalShare: Double
    /// Rank pairs by how much of their time each waited on the other, most first.
    var pairs: [(a: Int, b: Int, share: Double)]

    /// How many times slower than normal the job runs for the same compute.
    var factor: Double { computingShare > 0 ? normalShare / computingShare : .infinity }

    struct Thresholds: Sendable {
        /// Slow at this multiple of the normal pace…
        var factor: Double
        /// …and with the typical share at least this far below normal (a job
        /// that barely computes is not slow by a tick of jitter).
        var drop: Double = 0.1
        /// No rank computes this much more than the typical one (a straggler's gap).
        var spread: Double
    }

    /// The typical rank's computing share, when the job is paced by
    /// point-to-point traffic: every rank sampled for `minimumSpanNs`, and
    /// the typical rank's blocked time mostly point-to-point waits (a job
    /// paced by collectives is judged on its collectives). Nil otherwise.
    static func typicalComputingShare(_ totals: [Int: PointToPointWaits.Totals], minimumSpanNs: UInt64) -> Double? {
        guard totals.count >= 2, totals.values.allSatisfy({ $0.spanNs >= minimumSpanNs }),
              let pointToPoint = totals.values.map(pointToPointShareOfBlocked).median, pointToPoint >= 0.5
        else { return nil }
        return totals.values.map(\.computingShare).median
    }

    /// `typical`: `typicalComputingShare(totals)`, which the caller has (and learns from).
    static func judge(_ totals: [Int: PointToPointWaits.Totals], typical: Double, normal: Double,
                      _ t: Thresholds) -> PointToPointSlowdown? {
        guard let busiest = totals.values.map(\.computingShare).max(),
              typical * t.factor <= normal, normal - typical >= t.drop,
              // someone computing more than normal, or than the others, is a straggler's doing
              busiest <= normal + t.drop, busiest - typical < t.spread
        else { return nil }
        return PointToPointSlowdown(computingShare: typical, normalShare: normal, pairs: mutualWaits(totals))
    }

    /// The longest wait on any one peer against all time blocked: a Waitall
    /// over six neighbours lists each, so the longest is the whole of it.
    private static func pointToPointShareOfBlocked(_ t: PointToPointWaits.Totals) -> Double {
        t.blockedNs > 0 ? Double(t.byPeer.values.max() ?? 0) / Double(t.blockedNs) : 0
    }

    private static func mutualWaits(_ totals: [Int: PointToPointWaits.Totals]) -> [(a: Int, b: Int, share: Double)] {
        var pairs: [Pair: Double] = [:]
        for (rank, own) in totals {
            for peer in own.byPeer.keys where peer != rank && totals[peer] != nil {
                pairs[Pair(rank, peer), default: 0] += own.share(waitingOn: peer)
            }
        }
        return pairs.map { (a: $0.key.a, b: $0.key.b, share: $0.value) }
            .sorted { ($0.share, -$0.a, -$0.b) > ($1.share, -$1.a, -$1.b) }
    }

    private struct Pair: Hashable {
        var a: Int, b: Int
        init(_ x: Int, _ y: Int) { (a, b) = (min(x, y), max(x, y)) }
    }
}
