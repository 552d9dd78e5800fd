extension TrafficPlanner {
    /// The order with the highest bottleneck, strictly above `floor`, by
    /// branch and bound over positions in turn (a partial order already
    /// below the best found is abandoned); nil when none beats `floor`. A
    /// ring's rotations are one order: its first host stays first.
    static func exactOrder(_ matrix: LinkMatrix, pattern: CommunicationPattern, first: Int, floor: Double) -> [Int]? {
        let n = matrix.count
        var earlier = [[Int]](repeating: [], count: n)  // partners of position p placed before it
        for (p, q) in pattern.pairs(among: n) { earlier[max(p, q)].append(min(p, q)) }
        var search = ExactSearch(matrix: matrix, earlier: earlier, best: floor)
        var order = [Int](repeating: -1, count: n)
        if pattern == .ring {
            order[0] = first
            search.extend(&order, position: 1, used: 1 << first, bottleneck: .infinity)
        } else {
            search.extend(&order, position: 0, used: 0, bottleneck: .infinity)
        }
        return search.found
    }
}

private struct ExactSearch {
    let matrix: LinkMatrix
    let earlier: [[Int]]
    var best: Double
    var found: [Int]?

    mutating func extend(_ order: inout [Int], position: Int, used: Int, bottleneck: Double) {
        guard position < matrix.count else {
            (best, found) = (bottleneck, order)
            return
        }
        for host in 0..<matrix.count where used & (1 << host) == 0 {
            var slowest = bottleneck
            for partner in earlier[position] { slowest = min(slowest, matrix[host, order[partner]]) }
            guard slowest > best else { continue }
            order[position] = host
            extend(&order, position: position + 1, used: used | (1 << host), bottleneck: slowest)
        }
        order[position] = -1
    }
}
