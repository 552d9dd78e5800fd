/// The planner's answer: the host order to place ranks in, what it is
/// expected to gain against the order given, and why.
public struct TrafficPlan: Sendable, Equatable, Codable {
    public var pattern: CommunicationPattern
    /// The hosts in planned order (the order given when no order helps).
    public var order: [String]
    /// The slowest pair the planned order uses, and the given order's (bytes/s).
    public var bottleneck: Double
    public var naiveBottleneck: Double
    /// Pairs the given order used at its bottleneck that the plan does not use.
    public var avoided: [HostPair]
    /// Exact search, or the heuristic (beyond `TrafficPlanner.exactLimit` hosts).
    public var exact: Bool
    public var why: String

    /// Bandwidth-bound collectives run as fast as their slowest pair: the plan's over the given order's.
    public var expectedGain: Double { naiveBottleneck > 0 ? bottleneck / naiveBottleneck : 1 }
    /// Whether the plan reorders the hosts at all.
    public var changesOrder: Bool { avoided.isEmpty == false }

    public struct HostPair: Sendable, Equatable, Codable, CustomStringConvertible {
        public var a: String
        public var b: String
        public var bandwidth: Double

        public var description: String { "\(a)↔\(b)" }
    }
}
