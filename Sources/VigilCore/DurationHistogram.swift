/// Durations in power-of-two buckets: bucket b holds [2^(b-1), 2^b) ns,
/// bucket 0 holds 0. Cheap to fill, to merge across ranks and windows, and
/// good for p50/p99 within a factor of two.
public struct DurationHistogram: Sendable, Equatable, Codable {
    public static let bucketCount = 64
    public private(set) var buckets: [UInt64]

    public init() {
        buckets = [UInt64](repeating: 0, count: Self.bucketCount)
    }

    /// Buckets as given, e.g. decoded from the wire (missing ones are 0).
    public init(buckets given: [UInt64]) {
        buckets = Array((given + [UInt64](repeating: 0, count: Self.bucketCount)).prefix(Self.bucketCount))
    }

    public static func bucket(for ns: UInt64) -> Int {
        min(Self.bucketCount - 1, 64 - ns.leadingZeroBitCount)
    }

    public mutating func record(_ ns: UInt64) {
        buckets[Self.bucket(for: ns)] += 1
    }

    public mutating func merge(_ other: DurationHistogram) {
        for index in buckets.indices { buckets[index] &+= other.buckets[index] }
    }

    public var count: UInt64 { buckets.reduce(0, &+) }

    /// Upper bound of the bucket holding quantile `q` (0...1), in ns.
    public func quantile(_ q: Double) -> UInt64 {
        let total = count
        guard total > 0 else { return 0 }
        let rank = UInt64((Double(total) * min(max(q, 0), 1)).rounded(.up))
        var seen: UInt64 = 0
        for (index, n) in buckets.enumerated() {
            seen += n
            if seen >= max(rank, 1) { return index == 0 ? 0 : (UInt64(1) << index) - 1 }
        }
        return .max
    }
}
