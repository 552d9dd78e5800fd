/// What the planner knows of the network: each host pair's bandwidth
/// (bytes/s, the same both ways), from link probes and observed traffic.
/// A pair never measured counts as the median of those that were: the
/// planner neither avoids nor prefers what it does not know.
public struct LinkMatrix: Sendable, Equatable {
    public let hosts: [String]
    private var cells: [Double]
    /// Pairs measured (i < j), the rest filled with the median.
    public let measuredPairs: Int

    /// `bandwidth(a, b)` for each pair (asked once, a before b in `hosts`); nil when not measured.
    public init(hosts: [String], bandwidth: (String, String) -> Double?) {
        self.hosts = hosts
        let n = hosts.count
        var cells = [Double](repeating: .nan, count: n * n)
        var known: [Double] = []
        for i in 0..<n {
            for j in (i + 1)..<max(i + 1, n) {
                guard let value = bandwidth(hosts[i], hosts[j]), value.isFinite, value > 0 else { continue }
                (cells[i * n + j], cells[j * n + i]) = (value, value)
                known.append(value)
            }
        }
        let fill = known.isEmpty ? 1 : known.sorted()[known.count / 2]
        self.cells = cells.map { $0.isNaN ? fill : $0 }
        measuredPairs = known.count
    }

    public var count: Int { hosts.count }

    /// The matrix of `hosts` alone, in their order (a host not in this one: its pairs the median).
    public func restricted(to hosts: [String]) -> LinkMatrix {
        let index = Dictionary(self.hosts.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        return LinkMatrix(hosts: hosts) { a, b in index[a].flatMap { i in index[b].map { self[i, $0] } } }
    }

    /// The bandwidth between hosts at indices `i` and `j`.
    public subscript(_ i: Int, _ j: Int) -> Double { cells[i * hosts.count + j] }
}
