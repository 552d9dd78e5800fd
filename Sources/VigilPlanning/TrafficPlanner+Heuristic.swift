import VigilCore

extension TrafficPlanner {
    /// Beyond exact search, an iterated local search: from the given order
    /// and (for a ring or a pipeline) a greedy one — each next host the
    /// fastest from the last — a host of a slowest pair is moved elsewhere
    /// (a swap, or for a ring or a pipeline a reversed stretch) while that
    /// leaves fewer pairs that slow, or none; then, a few random swaps away
    /// from the best order, again, a number of times that shrinks as the
    /// hosts grow (seeded: the same plan every time).
    static func heuristicOrder(_ matrix: LinkMatrix, pattern: CommunicationPattern, given: [Int]) -> [Int] {
        let n = matrix.count, pairs = pattern.pairs(among: n)
        func score(_ order: [Int]) -> OrderScore { OrderScore.of(order, pairs: pairs, in: matrix) }
        func descend(_ order: [Int]) -> [Int] {
            var search = LocalSearch(matrix: matrix, pairs: pairs, order: order, reversals: pattern != .recursiveDoubling)
            search.improve()
            return search.order
        }
        var starts = [given]
        if pattern != .recursiveDoubling { starts.append(greedyOrder(matrix, from: given[0], preferring: given)) }
        var (best, bestScore) = starts.map(descend).map { ($0, score($0)) }.max { $0.1 < $1.1 }!
        var random = SplitMix64(seed: UInt64(n))
        for _ in 0..<max(4, 4_000 / max(n, 1)) {
            var kicked = best
            for _ in 0..<3 { kicked.swapAt(Int(random.next() % UInt64(n)), Int(random.next() % UInt64(n))) }
            let tried = descend(kicked), triedScore = score(tried)
            if bestScore < triedScore { (best, bestScore) = (tried, triedScore) }
        }
        return best
    }

    /// Nearest neighbour by bandwidth, ties to the host earlier in `preferring`.
    static func greedyOrder(_ matrix: LinkMatrix, from first: Int, preferring: [Int]) -> [Int] {
        var order = [first], left = preferring.filter { $0 != first }
        while !left.isEmpty {
            let last = order[order.count - 1]
            var pick = 0
            for k in 1..<left.count where matrix[last, left[k]] > matrix[last, left[pick]] { pick = k }
            order.append(left.remove(at: pick))
        }
        return order
    }
}

/// First-improvement local search on `OrderScore`. A move changes only the
/// pairs at the positions it touches, so it is judged on those alone: it
/// must add no pair slower than the bottleneck, and fewer at it than it removes.
private struct LocalSearch {
    let matrix: LinkMatrix
    let pairs: [(Int, Int)]
    var order: [Int]
    let reversals: Bool
    /// The pairs (indices into `pairs`) each position takes part in.
    private let touching: [[Int]]

    init(matrix: LinkMatrix, pairs: [(Int, Int)], order: [Int], reversals: Bool) {
        (self.matrix, self.pairs, self.order, self.reversals) = (matrix, pairs, order, reversals)
        var touching = [[Int]](repeating: [], count: order.count)
        for (k, (p, q)) in pairs.enumerated() {
            touching[p].append(k)
            if q != p { touching[q].append(k) }
        }
        self.touching = touching
    }

    mutating func improve() {
        while let move = firstImprovingMove() { apply(move) }
    }

    private enum Move {
        case swap(Int, Int)
        /// Positions from…to reversed.
        case reverse(Int, Int)
    }

    private func firstImprovingMove() -> Move? {
        let score = OrderScore.of(order, pairs: pairs, in: matrix)
        let n = order.count
        // A few of the slowest pairs: when most pairs are equally slow (links alike), no move helps anyway.
        for (p, q) in pairs.lazy.filter({ value($0.0, $0.1) == score.bottleneck }).prefix(8) {
            for x in [p, q] {
                for y in 0..<n where y != x && improves(.swap(x, y), score) { return .swap(x, y) }
            }
            guard reversals else { continue }
            let (a, b) = p < q ? (p, q) : (q, p)
            if b == a + 1 {
                for j in 0..<n where j != a && j != b {
                    let move: Move = j > b ? .reverse(b, j) : .reverse(j + 1, a)
                    if j + 1 <= a || j > b, improves(move, score) { return move }
                }
            }
        }
        return nil
    }

    private func value(_ p: Int, _ q: Int) -> Double { matrix[order[p], order[q]] }

    private func improves(_ move: Move, _ score: OrderScore) -> Bool {
        var removedAt = 0, addedAt = 0
        for k in affectedPairs(move) {
            let (p, q) = pairs[k]
            if value(p, q) == score.bottleneck { removedAt += 1 }
            let now = matrix[host(at: p, after: move), host(at: q, after: move)]
            if now < score.bottleneck { return false }
            if now == score.bottleneck { addedAt += 1 }
        }
        return addedAt < removedAt
    }

    /// Who sits at `position` once `move` is made.
    private func host(at position: Int, after move: Move) -> Int {
        switch move {
        case .swap(let x, let y): order[position == x ? y : position == y ? x : position]
        case .reverse(let from, let to): order[(from...to).contains(position) ? from + to - position : position]
        }
    }

    /// Pairs whose hosts a move changes: at a swap's two positions, or across a reversed stretch's ends.
    private func affectedPairs(_ move: Move) -> Set<Int> {
        switch move {
        case .swap(let x, let y):
            return Set(touching[x] + touching[y])
        case .reverse(let from, let to):
            return Set((touching[from] + touching[to]).filter { k in
                let (p, q) = pairs[k]
                return !((from...to).contains(p) && (from...to).contains(q))
            })
        }
    }

    private mutating func apply(_ move: Move) {
        switch move {
        case .swap(let x, let y): order.swapAt(x, y)
        case .reverse(let from, let to): order[from...to].reverse()
        }
    }
}
