/// Which hosts talk to which, by their position in the rank order (ranks
/// placed contiguously per host): what the planner keeps off slow pairs.
public enum CommunicationPattern: String, Sendable, CaseIterable, Codable {
    /// Ring allreduce: each host to the next in order, the last to the first.
    case ring
    /// Recursive doubling or halving: partners at XOR distances 1, 2, 4, …
    case recursiveDoubling = "recursive-doubling"
    /// A pipeline: each stage to the next, no wrap.
    case pipeline

    /// The position pairs that exchange data among `count` hosts.
    public func pairs(among count: Int) -> [(Int, Int)] {
        guard count >= 2 else { return [] }
        switch self {
        case .ring:
            return count == 2 ? [(0, 1)] : (0..<count).map { ($0, ($0 + 1) % count) }
        case .pipeline:
            return (0..<(count - 1)).map { ($0, $0 + 1) }
        case .recursiveDoubling:
            var pairs: [(Int, Int)] = []
            var distance = 1
            while distance < count {
                for p in 0..<count where p & distance == 0 && p ^ distance < count { pairs.append((p, p ^ distance)) }
                distance <<= 1
            }
            return pairs
        }
    }
}
