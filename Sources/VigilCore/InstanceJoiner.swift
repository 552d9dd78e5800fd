/// Joins instance events from every node by (job, communicator, seq). An
/// instance is complete when every member reported; one still incomplete
/// after `timeoutNs` is given up (its members are known, the rest are
/// the ones that never arrived — the detector's business).
public struct InstanceJoiner: Sendable {
    public struct Key: Hashable, Sendable {
        public var job: String
        public var communicator: UInt64
        public var seq: UInt64
    }

    public struct Member: Sendable, Equatable {
        public var rank: Int
        public var enterNs: UInt64
        public var durationNs: UInt64
    }

    public struct Instance: Sendable, Equatable {
        public var key: Key
        public var op: CollectiveOp
        public var size: Int
        public var members: [Member]
        public var firstSeenNs: UInt64

        public var isComplete: Bool { members.count >= size }

        /// The member that arrived last: it spent the least time inside.
        public var lastArriver: Int? { members.min { $0.durationNs < $1.durationNs }?.rank }
    }

    public let timeoutNs: UInt64
    private var open: [Key: Instance] = [:]

    public init(timeoutNs: UInt64 = 30_000_000_000) {
        self.timeoutNs = timeoutNs
    }

    public var openCount: Int { open.count }

    /// Add one event; returns the instance if this completed it.
    public mutating func add(_ event: InstanceEvent, job: String, nowNs: UInt64) -> Instance? {
        let key = Key(job: job, communicator: event.communicator, seq: event.seq)
        let member = Member(rank: event.rank, enterNs: event.enterNs, durationNs: event.durationNs)
        guard var instance = open.removeValue(forKey: key) else {
            let instance = Instance(key: key, op: event.op, size: Int(event.communicatorSize), members: [member],
                                    firstSeenNs: nowNs)
            if instance.isComplete { return instance }
            open[key] = instance
            return nil
        }
        if !instance.members.contains(where: { $0.rank == event.rank }) { instance.members.append(member) }
        if instance.isComplete { return instance }
        open[key] = instance
        return nil
    }

    /// Instances open longer than the timeout, removed.
    public mutating func expire(nowNs: UInt64) -> [Instance] {
        let stale = open.values.filter { nowNs - min(nowNs, $0.firstSeenNs) > timeoutNs }
        for instance in stale { open[instance.key] = nil }
        return stale
    }
}
