/// The collective a rank is inside right now, from its ring's in-flight slot.
public struct BlockedCall: Sendable, Equatable, Codable {
    public var op: CollectiveOp
    public var communicator: UInt64
    public var seq: UInt64
    /// CLOCK_MONOTONIC ns when the rank entered the call.
    public var sinceNs: UInt64

    public init(op: CollectiveOp, communicator: UInt64, seq: UInt64, sinceNs: UInt64) {
        self.op = op
        self.communicator = communicator
        self.seq = seq
        self.sinceNs = sinceNs
    }
}
