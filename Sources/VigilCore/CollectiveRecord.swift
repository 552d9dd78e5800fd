/// One record from a rank's ring: a finished collective, or a per-peer
/// point-to-point window. The job and rank it belongs to are those of the
/// ring it came from (`RankIdentity`), so they are not repeated per record.
public struct CollectiveRecord: Sendable, Equatable, Codable {
    public var op: CollectiveOp
    /// Same on every member of the communicator; 0 for point-to-point.
    public var communicator: UInt64
    /// Per-communicator sequence number; for point-to-point, messages in the window.
    public var seq: UInt64
    /// CLOCK_MONOTONIC ns of the producing rank (window bounds for point-to-point).
    public var enterNs: UInt64
    public var exitNs: UInt64
    public var bytes: UInt64
    /// Summed time inside point-to-point calls: of the window, or (collective)
    /// since the rank's previous collective.
    public var busyNs: UInt64
    /// World rank of the peer (point-to-point) or root (rooted collectives), else -1.
    public var peer: Int32
    public var communicatorSize: UInt32
    public var failed: Bool

    public init(op: CollectiveOp, communicator: UInt64, seq: UInt64, enterNs: UInt64, exitNs: UInt64,
                bytes: UInt64 = 0, busyNs: UInt64 = 0, peer: Int32 = -1, communicatorSize: UInt32,
                failed: Bool = false) {
        self.op = op
        self.communicator = communicator
        self.seq = seq
        self.enterNs = enterNs
        self.exitNs = exitNs
        self.bytes = bytes
        self.busyNs = busyNs
        self.peer = peer
        self.communicatorSize = communicatorSize
        self.failed = failed
    }

    /// Time this rank spent inside the call.
    public var durationNs: UInt64 { exitNs >= enterNs ? exitNs - enterNs : 0 }
}
