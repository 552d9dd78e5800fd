import VigilCore

/// One job's wait profiles over the recent past: for each rank, where its
/// time went (computing, blocked, blocked with each peer), summed over the
/// snapshots of the last window. Observations only; the rules that read
/// them live in `PointToPointStraggler`.
struct PointToPointWaits: Sendable {
    struct Entry: Sendable {
        var rank: Int
        var atNs: UInt64
        var profile: WaitProfile
    }

    /// One rank's time over the window.
    struct Totals: Sendable, Equatable {
        var spanNs: UInt64 = 0
        var blockedNs: UInt64 = 0
        var byPeer: [Int: UInt64] = [:]

        var computingShare: Double { WaitProfile.computingShare(spanNs: spanNs, blockedNs: blockedNs) }

        func share(waitingOn peer: Int) -> Double {
            spanNs > 0 ? Double(byPeer[peer] ?? 0) / Double(spanNs) : 0
        }
    }

    private var entries: [Entry] = []
    /// The typical rank's computing share while healthy
    /// (PointToPointSlowdown), learned over a few seconds of full windows,
    /// followed within ±10%: a window sliding into a slowdown moves a few
    /// percent an evaluation, and ±25% would follow it down.
    var normalComputing = Baseline(warmUpNs: 0, learnNs: 3_000_000_000, tolerance: 1.1)
    /// The longest waits of the last reports that saw one end (not pruned
    /// by time: while the job hangs none ends, and its pace must stand).
    private var longest: [UInt64] = []
    static let paceReports = 64

    mutating func add(rank: Int, profile: WaitProfile, atNs: UInt64) {
        guard profile.spanNs > 0 else { return }
        entries.append(Entry(rank: rank, atNs: atNs, profile: profile))
        guard profile.longestWaitNs > 0 else { return }
        longest.append(profile.longestWaitNs)
        if longest.count > Self.paceReports { longest.removeFirst(longest.count - Self.paceReports) }
    }

    /// How long the job's point-to-point waits typically last at their
    /// longest (the median of each report's longest): its pace, which a
    /// wait is judged hung against. Nil before any wait was seen to end.
    var typicalLongestWaitNs: UInt64? { longest.median }

    /// Forgets what is older than `sinceNs`.
    mutating func prune(sinceNs: UInt64) {
        if let keep = entries.firstIndex(where: { $0.atNs >= sinceNs }) {
            entries.removeFirst(keep)
        } else {
            entries = []
        }
    }

    /// Per rank, its time since `sinceNs` (ranks that left are not in `alive`).
    func totals(sinceNs: UInt64, alive: Set<Int>) -> [Int: Totals] {
        var totals: [Int: Totals] = [:]
        for entry in entries where entry.atNs >= sinceNs && alive.contains(entry.rank) {
            totals[entry.rank, default: Totals()].spanNs += entry.profile.spanNs
            totals[entry.rank, default: Totals()].blockedNs += entry.profile.blockedNs
            for wait in entry.profile.peers where wait.peer != entry.rank {
                totals[entry.rank, default: Totals()].byPeer[wait.peer, default: 0] += wait.ns
            }
        }
        return totals
    }
}
