extension RankMap {
    /// `job`'s ranks from the store, with each rank's mean compute gap (ns)
    /// where the server's join has one.
    public static func build(job: String, ranks: [StoredRank], gapsNs: [Int: UInt64], nowNs: UInt64) -> RankMap {
        let members = ranks.filter { $0.snapshot.identity.job == job }
        let nodes = Array(Set(members.map(\.node))).sorted()
        let index = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($0.element, $0.offset) })
        // The median of the members shown: not of ranks an earlier run of the same job name had.
        let median = members.compactMap { gapsNs[$0.snapshot.identity.rank] }.filter { $0 > 0 }.sorted().middle
        let entries = members.map { stored in
            let s = stored.snapshot
            let blocked = s.status.isAlive ? s.blocked.map { (nowNs - min(nowNs, $0.sinceNs)) / 1_000_000 } ?? 0 : 0
            let gap = gapsNs[s.identity.rank] ?? 0
            return Entry(rank: s.identity.rank, node: index[stored.node]!, status: s.status, blockedMs: blocked,
                         gapPercent: median.map { gap == 0 ? 0 : max(1, Int(gap * 100 / max($0, 1))) } ?? 0)
        }.sorted { ($0.node, $0.rank) < ($1.node, $1.rank) }
        return RankMap(job: job, takenNs: nowNs, nodes: nodes, entries: entries)
    }
}

extension Array where Element == UInt64 {
    /// The middle element of a sorted array (the upper one of an even count); nil when empty.
    var middle: UInt64? { isEmpty ? nil : self[count / 2] }
}
