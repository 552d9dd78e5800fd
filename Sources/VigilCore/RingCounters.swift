/// The counters a ring keeps in shared memory. They outlive any one agent,
/// so they reconcile across agent restarts: produced = consumed + pending + dropped.
public struct RingCounters: Sendable, Equatable, Codable {
    public var consumed: UInt64
    public var pending: UInt64
    public var dropped: UInt64

    public init(consumed: UInt64 = 0, pending: UInt64 = 0, dropped: UInt64 = 0) {
        self.consumed = consumed
        self.pending = pending
        self.dropped = dropped
    }

    public var produced: UInt64 { consumed + pending + dropped }
}
