/// Node × node throughput from the agents' active probes, each pair against
/// the round's median (every probe moves the same bytes). A node is to blame
/// when every one of its measured pairs runs degraded (C4D's connection
/// matrix): a slow NIC or cable slows all of that node's pairs, while its
/// peers still have healthy pairs elsewhere. (The ranks' own point-to-point
/// times cannot say this: they include waiting for the peer to be ready.)
struct LinkMatrix: Sendable {
    struct Pair: Hashable, Sendable, Comparable {
        var a: String
        var b: String

        /// Unordered: a link is the same in both directions.
        init(_ x: String, _ y: String) { (a, b) = x < y ? (x, y) : (y, x) }

        static func < (l: Pair, r: Pair) -> Bool { (l.a, l.b) < (r.a, r.b) }
    }

    /// A pair's rate against the round's median, with the numbers.
    struct Measured: Sendable {
        var pair: Pair
        var normal: Double
        var now: Double
    }

    private var latest: [Pair: (bytesPerSecond: Double, atNs: UInt64)] = [:]

    /// A probe that got no answer says nothing of the link (the peer's
    /// responder may be off or unreachable from there): not a measurement.
    /// (One whose pings answered but whose transfer timed out comes with the
    /// time waited: an upper bound on the rate, counted; LinkProber.)
    mutating func observe(_ pair: Pair, bytes: UInt64, busyNs: UInt64, atNs: UInt64) {
        guard pair.a != pair.b, bytes > 0, busyNs > 0 else { return }
        latest[pair] = (Double(bytes) / (Double(busyNs) / 1e9), atNs)
    }

    /// How many pairs among `nodes` were measured since `sinceNs`.
    func pairsMeasured(among nodes: Set<String>, sinceNs: UInt64) -> Int {
        latest.filter { nodes.contains($0.key.a) && nodes.contains($0.key.b) && $0.value.atNs >= sinceNs }.count
    }

    /// The slowest and the median rate between two of `nodes` measured
    /// since `sinceNs`; nil until every pair of them was.
    func slowestPair(among nodes: Set<String>, sinceNs: UInt64) -> (slowest: Double, median: Double)? {
        let rates = latest.filter { nodes.contains($0.key.a) && nodes.contains($0.key.b) && $0.value.atNs >= sinceNs }
            .values.map(\.bytesPerSecond)
        guard rates.count == nodes.count * (nodes.count - 1) / 2, let slowest = rates.min(), let median = rates.median
        else { return nil }
        return (slowest, median)
    }

    /// Of `nodes`, those whose every pair probed since `sinceNs` (to any
    /// node of `peers`, the job's) runs below `degraded`× the median, those
    /// with the most such pairs first; and every pair touching `nodes` below it.
    func suspects(among nodes: Set<String>, peers: Set<String>, sinceNs: UInt64,
                  degraded: Double) -> (nodes: [String], evidence: [Measured]) {
        let within = peers.union(nodes)
        let round = latest.filter { within.contains($0.key.a) && within.contains($0.key.b) && $0.value.atNs >= sinceNs }
        // The round's median, over every pair: the few pairs of a slow node are not the normal.
        guard let median = round.values.map(\.bytesPerSecond).median, median > 0 else { return ([], []) }
        let fresh = round.filter { nodes.contains($0.key.a) || nodes.contains($0.key.b) }
        let measured = fresh.map { Measured(pair: $0.key, normal: median, now: $0.value.bytesPerSecond) }
        let slow = measured.filter { $0.now < degraded * median }
        var pairsOf: [String: (all: Int, slow: Int)] = [:]
        for cell in measured {
            let isSlow = cell.now < degraded * median
            for node in [cell.pair.a, cell.pair.b] {
                pairsOf[node, default: (0, 0)].all += 1
                if isSlow { pairsOf[node, default: (0, 0)].slow += 1 }
            }
        }
        let blamed = pairsOf.filter { nodes.contains($0.key) && $0.value.slow > 0 && $0.value.slow == $0.value.all }
        let evidence = slow.sorted { $0.pair < $1.pair }
        guard let most = blamed.values.map(\.slow).max() else { return ([], evidence) }
        return (blamed.filter { $0.value.slow == most }.keys.sorted(), evidence)
    }
}
