import Foundation

/// C4P's placement (docs/planning.md): collectives are a few large,
/// long-lived flows, and a bandwidth-bound collective runs as fast as the
/// slowest host pair its pattern uses. The planner orders the hosts (ranks
/// placed contiguously per host in that order) so that the slowest pair
/// used is as fast as it can be: every order tried up to `exactLimit`
/// hosts, a local search beyond. When no order is enough better than the
/// one given it changes nothing and says why. Pure: no I/O.
public enum TrafficPlanner {
    /// Up to this many hosts, every order is searched (branch and bound).
    public static let exactLimit = 10

    /// Plans `hosts` (the order given: what changes nothing) for `pattern`;
    /// a reorder is proposed only when it gains at least `minimumGain`.
    public static func plan(_ hosts: [String], over matrix: LinkMatrix, pattern: CommunicationPattern,
                            minimumGain: Double = 1.05) -> TrafficPlan {
        let sub = hosts == matrix.hosts ? matrix : matrix.restricted(to: hosts)
        let given = Array(hosts.indices), pairs = pattern.pairs(among: hosts.count)
        let naive = OrderScore.of(given, pairs: pairs, in: sub)
        let exact = hosts.count <= exactLimit
        let best = exact ? TrafficPlanner.exactOrder(sub, pattern: pattern, first: 0, floor: naive.bottleneck) ?? given
            : heuristicOrder(sub, pattern: pattern, given: given)
        var plan = TrafficPlan(pattern: pattern, order: hosts, bottleneck: naive.bottleneck, naiveBottleneck: naive.bottleneck,
                               avoided: [], exact: exact, why: "")
        let planned = OrderScore.of(best, pairs: pairs, in: sub).bottleneck
        guard pairs.count > 0, planned >= naive.bottleneck * minimumGain else {
            plan.why = noHelp(sub, pattern: pattern, naive: naive.bottleneck, best: planned, minimumGain: minimumGain)
            return plan
        }
        let used = Set(pairs.map { HostKey(best[$0.0], best[$0.1]) })
        plan.avoided = pairs.filter { sub[$0.0, $0.1] < planned && !used.contains(HostKey($0.0, $0.1)) }
            .map { TrafficPlan.HostPair(a: hosts[$0.0], b: hosts[$0.1], bandwidth: sub[$0.0, $0.1]) }
        (plan.order, plan.bottleneck) = (best.map { hosts[$0] }, planned)
        plan.why = "\(pattern.rawValue) in this order keeps \(plan.avoided.map(\.description).joined(separator: ", ")) apart: "
            + "its slowest pair runs at \(Bandwidth.text(planned)), not \(Bandwidth.text(naive.bottleneck))"
            + String(format: " (%.2f× the order given)", plan.expectedGain)
        return plan
    }

    /// Why no order helps: every pair is used whatever the order, a host
    /// whose every link is slow (the node, not a pair, is at fault), or a best order not worth the change.
    static func noHelp(_ matrix: LinkMatrix, pattern: CommunicationPattern, naive: Double, best: Double,
                       minimumGain: Double) -> String {
        let n = matrix.count
        guard n >= 2 else { return "a single host: no pair to place" }
        if pattern.pairs(among: n).count == n * (n - 1) / 2 {
            return "every pair of the \(n) hosts talks in a \(pattern.rawValue) whatever the order: no order avoids a slow pair"
        }
        if (0..<n).allSatisfy({ i in (0..<n).allSatisfy { $0 == i || matrix[i, $0] <= naive } }) {
            return "every pair runs at \(Bandwidth.text(naive)) or less: the links are alike, no order can help"
        }
        let slowNodes = (0..<n).filter { i in (0..<n).allSatisfy { $0 == i || matrix[i, $0] <= naive } }
        if !slowNodes.isEmpty, best < naive * minimumGain {
            return slowNodes.map { "\(matrix.hosts[$0])'s every link" }.joined(separator: ", ")
                + " runs at \(Bandwidth.text(naive)) or less: the node, not a pair, is slow, and no order can help"
        }
        if best > naive {
            return "the best order gains only " + String(format: "%.2f×", best / naive)
                + String(format: " (a change needs %.2f×): the order given stays", minimumGain)
        }
        return "no order raises the slowest pair above \(Bandwidth.text(naive)): the order given stays"
    }
}

/// An unordered host pair, by index.
struct HostKey: Hashable {
    let low: Int, high: Int
    init(_ a: Int, _ b: Int) { (low, high) = (min(a, b), max(a, b)) }
}

/// Bandwidth as people read it.
enum Bandwidth {
    static func text(_ bytesPerSecond: Double) -> String {
        let units: [(Double, String)] = [(1e9, "GB/s"), (1e6, "MB/s"), (1e3, "kB/s")]
        for (scale, unit) in units where bytesPerSecond >= scale {
            return String(format: "%.3g ", bytesPerSecond / scale) + unit
        }
        return String(format: "%.0f B/s", bytesPerSecond)
    }
}
