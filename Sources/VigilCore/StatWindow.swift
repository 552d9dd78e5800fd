/// One rank's collectives of one kind over one time window: what agents
/// send and the store keeps, instead of every call.
public struct StatWindow: Sendable, Equatable, Codable {
    public struct Key: Sendable, Hashable, Codable {
        public var communicator: UInt64
        public var op: CollectiveOp
        /// log2 of the message size: 0 for 0 bytes, b for [2^(b-1), 2^b).
        public var sizeBucket: UInt8

        public init(communicator: UInt64, op: CollectiveOp, sizeBucket: UInt8) {
            self.communicator = communicator
            self.op = op
            self.sizeBucket = sizeBucket
        }

        public init(_ record: CollectiveRecord) {
            self.init(communicator: record.communicator, op: record.op,
                      sizeBucket: UInt8(64 - record.bytes.leadingZeroBitCount))
        }
    }

    public var job: String
    public var rank: Int
    public var key: Key
    /// Wall-clock ns (Unix epoch) of the window's bounds.
    public var startNs: UInt64
    public var endNs: UInt64
    public var communicatorSize: UInt32 = 0
    public var count: UInt64 = 0
    public var sumNs: UInt64 = 0
    public var minNs: UInt64 = .max
    public var maxNs: UInt64 = 0
    public var bytes: UInt64 = 0
    public var failures: UInt64 = 0
    public var histogram = DurationHistogram()

    public init(job: String, rank: Int, key: Key, startNs: UInt64, endNs: UInt64) {
        self.job = job
        self.rank = rank
        self.key = key
        self.startNs = startNs
        self.endNs = endNs
    }

    public mutating func add(_ record: CollectiveRecord) {
        let ns = record.durationNs
        communicatorSize = record.communicatorSize
        count += 1
        sumNs &+= ns
        minNs = min(minNs, ns)
        maxNs = max(maxNs, ns)
        bytes &+= record.bytes
        if record.failed { failures += 1 }
        histogram.record(ns)
    }

    /// Bus bandwidth in bytes/s (nccl-tests' definition) from the mean time
    /// in the call; nil when it says nothing (no bytes, or one member).
    public var busBandwidth: Double? {
        guard count > 0 else { return nil }
        return Self.busBandwidth(key.op, members: Int(communicatorSize), bytes: bytes, timeNs: sumNs)
    }

    /// `bytes` moved in `timeNs` inside `op` over `members` ranks, as bus bandwidth (bytes/s).
    public static func busBandwidth(_ op: CollectiveOp, members n: Int, bytes: UInt64, timeNs: UInt64) -> Double? {
        guard timeNs > 0, bytes > 0, n > 1 else { return nil }
        let algorithmic = Double(bytes) / (Double(timeNs) / 1e9)
        let factor: Double = switch op {
        case .allreduce, .iallreduce: 2 * Double(n - 1) / Double(n)
        case .allgather, .allgatherv, .iallgather, .reduceScatter, .reduceScatterBlock, .alltoall, .alltoallv:
            Double(n - 1) / Double(n)
        default: 1
        }
        return algorithmic * factor
    }
}
