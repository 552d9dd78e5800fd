/// Who probes whom, and when: the circle method's rounds, so that every
/// pair of nodes is measured once and no node takes part in two probes at
/// the same time (a shared link measured half-used would look degraded).
public enum ProbePlan {
    public struct Probe: Sendable, Equatable {
        public var from: String
        public var to: String
        public var slot: Int
    }

    public static func probes(among nodes: [String]) -> [Probe] {
        var ring: [String?] = nodes.sorted()
        if ring.count % 2 == 1 { ring.append(nil) }   // a bye
        guard ring.count >= 2 else { return [] }
        var probes: [Probe] = []
        for slot in 0..<(ring.count - 1) {
            for i in 0..<(ring.count / 2) {
                if let a = ring[i], let b = ring[ring.count - 1 - i] {
                    probes.append(Probe(from: min(a, b), to: max(a, b), slot: slot))
                }
            }
            ring.insert(ring.removeLast(), at: 1)   // rotate all but the first
        }
        return probes
    }
}
