/// Counts per wall-clock second over the last `capacity` seconds, in a
/// ring: a job's completed collectives, the server's stored records.
/// Adding is O(1); what arrives too late for the ring is not counted.
public struct PulseSeries: Sendable, Equatable {
    public let capacity: Int
    private var counts: [UInt64]
    /// The newest second (since the Unix epoch) any count went to.
    public private(set) var newestSecond: UInt64 = 0

    public init(capacity: Int = 120) {
        precondition(capacity > 0)
        self.capacity = capacity
        counts = [UInt64](repeating: 0, count: capacity)
    }

    public mutating func add(_ n: UInt64, atNs: UInt64) {
        let second = atNs / 1_000_000_000
        if second > newestSecond {
            // Seconds skipped since the newest are empty, not last lap's.
            let skipped = min(second - newestSecond, UInt64(capacity))
            for offset in 0..<skipped { counts[slot(second - offset)] = 0 }
            newestSecond = second
        }
        guard newestSecond - second < UInt64(capacity) else { return }
        counts[slot(second)] &+= n
    }

    /// The counts of the `seconds` seconds ending with `lastSecond`, oldest first;
    /// 0 for seconds with nothing (or no longer in the ring).
    public func counts(endingAt lastSecond: UInt64, seconds: Int) -> [UInt64] {
        let n = min(seconds, capacity)
        return (0..<n).reversed().map { back in
            let second = lastSecond - min(lastSecond, UInt64(back))
            guard second <= newestSecond, newestSecond - second < UInt64(capacity) else { return 0 }
            return counts[slot(second)]
        }
    }

    private func slot(_ second: UInt64) -> Int { Int(second % UInt64(capacity)) }
}
