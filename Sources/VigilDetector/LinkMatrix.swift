/// Node × node throughput, from the ranks' point-to-point windows and the
/// agents' active probes, each pair against its own normal. A node is to
/// blame when every one of its measured pairs runs below normal (C4D's
/// connection matrix): a slow NIC or cable slows all of that node's pairs,
/// while its peers still have healthy pairs elsewhere.
struct LinkMatrix: Sendable {
    enum Source: Sendable, Hashable {
        case traffic
        case probe
    }

    struct Pair: Hashable, Sendable, Comparable {
        var a: String
        var b: String

        /// Unordered: a link is the same in both directions.
        init(_ x: String, _ y: String) { (a, b) = x < y ? (x, y) : (y, x) }

        static func < (l: Pair, r: Pair) -> Bool { (l.a, l.b) < (r.a, r.b) }
    }

    struct Cell: Sendable {
        /// Windows come about once a second per rank: ten seconds to learn.
        var normal = Baseline(warmUp: 2, samples: 8)
        var recent: (bytesPerSecond: Double, atNs: UInt64)?
    }

    /// A pair running at less than `degraded`× its normal, with the numbers.
    struct Degraded: Sendable {
        var pair: Pair
        var normal: Double
        var now: Double
    }

    private var cells: [Source: [Pair: Cell]] = [:]

    mutating func observe(_ pair: Pair, source: Source, bytes: UInt64, busyNs: UInt64, atNs: UInt64) {
        guard pair.a != pair.b, bytes > 0, busyNs > 0 else { return }
        let rate = Double(bytes) / (Double(busyNs) / 1e9)
        var cell = cells[source, default: [:]][pair, default: Cell()]
        cell.normal.learn(rate)
        cell.recent = (rate, atNs)
        cells[source, default: [:]][pair] = cell
    }

    /// The nodes whose every measured pair (since `sinceNs`) is degraded,
    /// those with the most such pairs first; from probes when they say
    /// anything, else from traffic.
    func suspects(among nodes: Set<String>, sinceNs: UInt64, degraded: Double) -> (nodes: [String], evidence: [Degraded]) {
        for source in [Source.probe, .traffic] {
            let measured = (cells[source] ?? [:]).compactMap { pair, cell -> Degraded? in
                guard nodes.contains(pair.a), nodes.contains(pair.b), let normal = cell.normal.value,
                      let recent = cell.recent, recent.atNs >= sinceNs else { return nil }
                return Degraded(pair: pair, normal: normal, now: recent.bytesPerSecond)
            }
            let slow = measured.filter { $0.now < degraded * $0.normal }
            guard !slow.isEmpty else { continue }
            var pairsOf: [String: (all: Int, slow: Int)] = [:]
            for cell in measured {
                let isSlow = cell.now < degraded * cell.normal
                for node in [cell.pair.a, cell.pair.b] {
                    pairsOf[node, default: (0, 0)].all += 1
                    if isSlow { pairsOf[node, default: (0, 0)].slow += 1 }
                }
            }
            let blamed = pairsOf.filter { $0.value.slow == $0.value.all }
            guard let most = blamed.values.map(\.slow).max() else { continue }
            let culprits = blamed.filter { $0.value.slow == most }.keys.sorted()
            return (culprits, slow.sorted { $0.pair < $1.pair })
        }
        return ([], [])
    }
}
