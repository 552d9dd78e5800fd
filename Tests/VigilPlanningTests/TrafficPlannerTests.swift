import Testing
import VigilCore
@testable import VigilPlanning

/// The planner on matrices built here: exact search against brute force,
/// each pattern's pairs, the cases no order can help, and the heuristic
/// against exact search.
struct TrafficPlannerTests {
    static func hosts(_ n: Int) -> [String] { (1...n).map { "node\($0)" } }

    /// Every pair at `fast`, but for the `slow` ones.
    static func matrix(_ n: Int, fast: Double = 100e6, slow: [(Int, Int, Double)] = []) -> LinkMatrix {
        LinkMatrix(hosts: hosts(n)) { a, b in
            let (i, j) = (Int(a.dropFirst(4))!, Int(b.dropFirst(4))!)
            return slow.first { ($0.0 == i && $0.1 == j) || ($0.0 == j && $0.1 == i) }?.2 ?? fast
        }
    }

    static func random(_ n: Int, _ rng: inout SplitMix64, slowPairs: Int? = nil) -> LinkMatrix {
        var cells: [String: Double] = [:]
        let names = hosts(n)
        for i in 0..<n {
            for j in (i + 1)..<n {
                cells["\(names[i])-\(names[j])"] = slowPairs == nil ? 1e6 * Double(1 + rng.next() % 100) : 100e6 * (0.95 + 0.1 * rng.unit())
            }
        }
        for _ in 0..<(slowPairs ?? 0) {
            let i = Int(rng.next() % UInt64(n)), j = Int(rng.next() % UInt64(n))
            if i != j { cells["\(names[min(i, j)])-\(names[max(i, j)])"] = 25e6 * (0.5 + rng.unit()) }
        }
        return LinkMatrix(hosts: names) { cells["\($0)-\($1)"] }
    }

    /// The best bottleneck of any order, by trying them all.
    static func bruteForce(_ m: LinkMatrix, _ pattern: CommunicationPattern) -> Double {
        var best = 0.0
        var order = Array(0..<m.count)
        func permute(_ k: Int) {
            if k == order.count {
                best = max(best, OrderScore.of(order, pairs: pattern.pairs(among: m.count), in: m).bottleneck)
                return
            }
            for i in k..<order.count {
                order.swapAt(k, i)
                permute(k + 1)
                order.swapAt(k, i)
            }
        }
        permute(0)
        return best
    }

    @Test func eachPatternsPairs() {
        #expect(CommunicationPattern.ring.pairs(among: 4).map { [$0.0, $0.1] } == [[0, 1], [1, 2], [2, 3], [3, 0]])
        #expect(CommunicationPattern.ring.pairs(among: 2).map { [$0.0, $0.1] } == [[0, 1]])
        #expect(CommunicationPattern.pipeline.pairs(among: 4).map { [$0.0, $0.1] } == [[0, 1], [1, 2], [2, 3]])
        let doubling = CommunicationPattern.recursiveDoubling.pairs(among: 8)
        #expect(doubling.count == 12 && doubling.allSatisfy { [1, 2, 4].contains($0.0 ^ $0.1) })
        #expect(CommunicationPattern.recursiveDoubling.pairs(among: 6).allSatisfy { $0.1 < 6 })
    }

    @Test(arguments: CommunicationPattern.allCases)
    func exactSearchFindsTheBestOrderOfAll(pattern: CommunicationPattern) {
        var rng = SplitMix64(seed: 7)
        for n in 4...7 {
            for _ in 0..<6 {
                let m = Self.random(n, &rng)
                let order = TrafficPlanner.exactOrder(m, pattern: pattern, first: 0, floor: 0)!
                #expect(Set(order) == Set(0..<n), "a permutation")
                #expect(OrderScore.of(order, pairs: pattern.pairs(among: n), in: m).bottleneck == Self.bruteForce(m, pattern))
            }
        }
    }

    /// node1↔node2 at a quarter, adjacent in the order given: the ring goes around it.
    @Test func aRingGoesAroundASlowPair() {
        let plan = TrafficPlanner.plan(Self.hosts(4), over: Self.matrix(4, slow: [(1, 2, 25e6)]), pattern: .ring)
        #expect(plan.changesOrder && plan.exact)
        #expect(plan.avoided.map(\.description) == ["node1↔node2"], "\(plan.why)")
        #expect(plan.expectedGain == 4)
        let position = Dictionary(uniqueKeysWithValues: plan.order.enumerated().map { ($1, $0) })
        #expect(abs(position["node1"]! - position["node2"]!) == 2, "opposite in the ring: \(plan.order)")
        #expect(plan.why.contains("node1↔node2") && plan.why.contains("4.00×"), "\(plan.why)")
    }

    @Test func aPipelineKeepsItsSlowPairOutOfItsStages() {
        let plan = TrafficPlanner.plan(Self.hosts(5), over: Self.matrix(5, slow: [(2, 3, 10e6), (4, 5, 10e6)]), pattern: .pipeline)
        #expect(plan.expectedGain == 10, "\(plan.order): \(plan.why)")
        #expect(Set(plan.avoided.map(\.description)) == ["node2↔node3", "node4↔node5"])
    }

    @Test func aSlowPairOfXORPartnersIsSeparated() {
        let plan = TrafficPlanner.plan(Self.hosts(8), over: Self.matrix(8, slow: [(1, 2, 20e6)]), pattern: .recursiveDoubling)
        #expect(plan.expectedGain == 5, "\(plan.why)")
        let position = Dictionary(uniqueKeysWithValues: plan.order.enumerated().map { ($1, $0) })
        #expect(![1, 2, 4].contains(position["node1"]! ^ position["node2"]!))
    }

    /// Three hosts in a ring all talk to each other: nothing to gain, nothing changed.
    @Test func threeHostsInARingCannotAvoidAPair() {
        let plan = TrafficPlanner.plan(Self.hosts(3), over: Self.matrix(3, slow: [(1, 3, 10e6)]), pattern: .ring)
        #expect(!plan.changesOrder && plan.order == Self.hosts(3) && plan.expectedGain == 1)
        #expect(plan.why.contains("every pair of the 3 hosts"), "\(plan.why)")
    }

    /// node3's every link is slow: every order uses one; the node is at fault.
    @Test func aNodeWhoseEveryLinkIsSlowCannotBeHelped() {
        let slow = [1, 2, 4, 5].map { (3, $0, 20e6) }
        let plan = TrafficPlanner.plan(Self.hosts(5), over: Self.matrix(5, slow: slow), pattern: .ring)
        #expect(!plan.changesOrder && plan.order == Self.hosts(5))
        #expect(plan.why.contains("node3's every link") && plan.why.contains("no order can help"), "\(plan.why)")
    }

    @Test func alikeLinksChangeNothing() {
        for n in [4, 16] {
            let plan = TrafficPlanner.plan(Self.hosts(n), over: Self.matrix(n), pattern: .ring)
            #expect(!plan.changesOrder && plan.order == Self.hosts(n) && plan.why.contains("alike"), "\(plan.why)")
        }
    }

    /// A gain below the minimum is not worth a reorder.
    @Test func aSmallGainLeavesTheOrderGiven() {
        let plan = TrafficPlanner.plan(Self.hosts(4), over: Self.matrix(4, slow: [(1, 2, 98e6)]), pattern: .ring)
        #expect(!plan.changesOrder && plan.why.contains("gains only 1.02×"), "\(plan.why)")
    }

    /// Unmeasured pairs count as the median: the planner acts on what it knows.
    @Test func anUnmeasuredPairIsTheMedian() {
        let m = LinkMatrix(hosts: Self.hosts(3)) { a, b in a == "node1" && b == "node2" ? 10 : (a == "node1" ? 30 : nil) }
        #expect(m.measuredPairs == 2 && m[1, 2] == 30 && m[2, 1] == 30 && m[0, 1] == 10)
    }

    /// The heuristic within 10% of exact search on instances small enough for both.
    @Test(arguments: CommunicationPattern.allCases)
    func theHeuristicIsWithinTenPercentOfExact(pattern: CommunicationPattern) {
        var rng = SplitMix64(seed: 11)
        var worst = 1.0
        for n in 6...9 {
            for family in [nil, 2, 5] as [Int?] {
                for _ in 0..<5 {
                    let m = Self.random(n, &rng, slowPairs: family)
                    let exact = OrderScore.of(TrafficPlanner.exactOrder(m, pattern: pattern, first: 0, floor: 0)!,
                                              pairs: pattern.pairs(among: n), in: m).bottleneck
                    let heuristic = OrderScore.of(TrafficPlanner.heuristicOrder(m, pattern: pattern, given: Array(0..<n)),
                                                  pairs: pattern.pairs(among: n), in: m).bottleneck
                    worst = min(worst, heuristic / exact)
                }
            }
        }
        #expect(worst >= 0.9, "the heuristic's worst bottleneck: \(worst) of exact")
    }

    /// 256 hosts, a few slow pairs: the heuristic's order avoids them (1,024 hosts' time is `make bench`'s).
    @Test func manyHostsArePlannedAroundTheirSlowPairs() {
        let n = 256
        let slow = [(1, 2, 10e6), (100, 101, 10e6), (255, 256, 10e6)]
        let plan = TrafficPlanner.plan(Self.hosts(n), over: Self.matrix(n, slow: slow), pattern: .ring)
        #expect(!plan.exact && Set(plan.order) == Set(Self.hosts(n)))
        #expect(plan.expectedGain == 10 && plan.avoided.count == 3, "\(plan.why)")
    }
}
