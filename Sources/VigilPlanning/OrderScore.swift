/// How good a host order is for a pattern: its slowest pair, then how
/// many pairs are that slow (fewer is better: one step from raising it).
struct OrderScore: Comparable {
    var bottleneck: Double
    var atBottleneck: Int

    static func < (a: OrderScore, b: OrderScore) -> Bool {
        a.bottleneck != b.bottleneck ? a.bottleneck < b.bottleneck : a.atBottleneck > b.atBottleneck
    }

    /// `order[p]` is the host index at position p.
    static func of(_ order: [Int], pairs: [(Int, Int)], in matrix: LinkMatrix) -> OrderScore {
        var score = OrderScore(bottleneck: .infinity, atBottleneck: 0)
        for (p, q) in pairs {
            let value = matrix[order[p], order[q]]
            if value < score.bottleneck {
                score = OrderScore(bottleneck: value, atBottleneck: 1)
            } else if value == score.bottleneck {
                score.atBottleneck += 1
            }
        }
        return score
    }
}
