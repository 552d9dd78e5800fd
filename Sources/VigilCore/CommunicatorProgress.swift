/// What one rank has done on one communicator, built from its records.
public struct CommunicatorProgress: Sendable, Equatable {
    public let communicator: UInt64
    public private(set) var size: UInt32
    public private(set) var records: UInt64 = 0
    public private(set) var firstSeq: UInt64 = .max
    /// Highest sequence number this rank has left.
    public private(set) var lastSeqLeft: UInt64 = 0
    /// Records that arrived below the highest seq seen: nonblocking
    /// collectives complete after later blocking ones. Not an error.
    public private(set) var completedOutOfOrder: UInt64 = 0
    public private(set) var bytes: UInt64 = 0
    public private(set) var timeInCallsNs: UInt64 = 0
    public private(set) var failures: UInt64 = 0
    public private(set) var lastExitNs: UInt64 = 0
    private var countsByOp = [UInt64](repeating: 0, count: Self.opSlots)

    private static let opSlots = Int(CollectiveOp.allCases.map(\.rawValue).max()!) + 1

    public init(communicator: UInt64, size: UInt32) {
        self.communicator = communicator
        self.size = size
    }

    public mutating func apply(_ record: CollectiveRecord) {
        records += 1
        countsByOp[Int(record.op.rawValue)] += 1
        firstSeq = min(firstSeq, record.seq)
        if record.seq < lastSeqLeft { completedOutOfOrder += 1 }
        lastSeqLeft = max(lastSeqLeft, record.seq)
        bytes &+= record.bytes
        timeInCallsNs &+= record.durationNs
        lastExitNs = max(lastExitNs, record.exitNs)
        size = record.communicatorSize
        if record.failed { failures += 1 }
    }

    public func count(of op: CollectiveOp) -> UInt64 { countsByOp[Int(op.rawValue)] }

    /// Counts per op name, only the ops that occurred.
    public var opCounts: [String: UInt64] {
        var out: [String: UInt64] = [:]
        for op in CollectiveOp.allCases where count(of: op) > 0 { out[op.name] = count(of: op) }
        return out
    }

    /// Sequence numbers between first and last that never arrived.
    public var missingSeqs: UInt64 {
        records == 0 ? 0 : (lastSeqLeft - firstSeq + 1) - min(records, lastSeqLeft - firstSeq + 1)
    }
}
