/// Durations in power-of-two buckets: bucket b holds [2^(b-1), 2^b) ns,
/// bucket 0 holds 0. Cheap to fill (inline storage, no allocation), to
/// merge across ranks and windows, and good for p50/p99 within a factor of two.
public struct DurationHistogram: Sendable {
    public static let bucketCount = 64
    // Inlinable accessors read the 512 inline bytes in place; called
    // across modules otherwise, each read copied them (perf: 13% of store writes).
    @usableFromInline var counts = InlineArray<64, UInt64>(repeating: 0)

    public init() {}

    /// Buckets as given, e.g. decoded from the wire (missing ones are 0).
    public init(buckets given: [UInt64]) {
        for index in given.indices.prefix(Self.bucketCount) { counts[index] = given[index] }
    }

    public var buckets: [UInt64] { (0..<Self.bucketCount).map { counts[$0] } }

    /// The count in bucket `index` (0..<bucketCount).
    @inlinable
    public subscript(index: Int) -> UInt64 {
        get { counts[index] }
        set { counts[index] = newValue }
    }

    /// How many buckets are not empty.
    @inlinable
    public var usedBuckets: Int {
        var used = 0
        for index in 0..<Self.bucketCount where counts[index] != 0 { used += 1 }
        return used
    }

    public static func bucket(for ns: UInt64) -> Int {
        min(Self.bucketCount - 1, 64 - ns.leadingZeroBitCount)
    }

    public mutating func record(_ ns: UInt64) {
        counts[Self.bucket(for: ns)] &+= 1
    }

    public mutating func merge(_ other: DurationHistogram) {
        for index in 0..<Self.bucketCount { counts[index] &+= other.counts[index] }
    }

    public var count: UInt64 { (0..<Self.bucketCount).reduce(0) { $0 &+ counts[$1] } }

    /// Upper bound of the bucket holding quantile `q` (0...1), in ns.
    public func quantile(_ q: Double) -> UInt64 {
        let total = count
        guard total > 0 else { return 0 }
        let rank = max(1, UInt64((Double(total) * min(max(q, 0), 1)).rounded(.up)))
        var seen: UInt64 = 0
        for index in 0..<Self.bucketCount {
            seen += counts[index]
            if seen >= rank { return index == 0 ? 0 : (UInt64(1) << index) - 1 }
        }
        return .max
    }
}

extension DurationHistogram: Equatable {
    public static func == (a: Self, b: Self) -> Bool {
        (0..<bucketCount).allSatisfy { a.counts[$0] == b.counts[$0] }
    }
}

extension DurationHistogram: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(buckets: try decoder.singleValueContainer().decode([UInt64].self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(buckets)
    }
}
