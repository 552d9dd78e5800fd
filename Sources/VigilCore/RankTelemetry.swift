/// Everything an agent knows about one local rank: built from the rank's
/// records as they are drained, read by reports.
public struct RankTelemetry: Sendable {
    public let identity: RankIdentity
    public var status: RankStatus = .running
    public var exitStatus: Int32?
    public var blocked: BlockedCall?
    public var counters = RingCounters()
    /// Records with an op this agent does not know (a newer or corrupt producer).
    public var rejected: UInt64 = 0
    /// Records this agent has processed (not those of a previous agent).
    public private(set) var observed: UInt64 = 0
    public private(set) var communicators: [UInt64: CommunicatorProgress] = [:]
    public private(set) var peers: [Int32: PeerTraffic] = [:]
    public private(set) var recorder: FlightRecorder

    public init(identity: RankIdentity, flightRecorderDepth: Int) {
        self.identity = identity
        self.recorder = FlightRecorder(capacity: flightRecorderDepth)
    }

    public mutating func apply(_ record: CollectiveRecord) {
        observed += 1
        recorder.append(record)
        if record.op.isPointToPoint {
            peers[record.peer, default: PeerTraffic(peer: record.peer)].apply(record)
        } else {
            communicators[record.communicator,
                          default: CommunicatorProgress(communicator: record.communicator,
                                                        size: record.communicatorSize)].apply(record)
        }
    }

    /// Highest sequence number entered on a communicator: the in-flight one
    /// if the rank is inside a call there, else the last one it left.
    public func lastSeqEntered(on communicator: UInt64) -> UInt64 {
        let left = communicators[communicator]?.lastSeqLeft ?? 0
        guard let blocked, blocked.communicator == communicator else { return left }
        return max(left, blocked.seq)
    }
}
