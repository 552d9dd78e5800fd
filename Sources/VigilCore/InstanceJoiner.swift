/// Joins instance events from every node by (job, communicator, seq). An
/// instance is complete when every member reported; one still incomplete
/// after `timeoutNs` is given up, with the set of members that did arrive
/// (the rest never did — the detector's business).
///
/// Per event the work is one hash lookup and a few integer updates: members
/// are a bitset, and only what the detector needs (who came last) is kept.
public struct InstanceJoiner: Sendable {
    public struct Key: Hashable, Sendable {
        public var job: Int32           // interned by the caller
        public var communicator: UInt64
        public var seq: UInt64

        public init(job: Int32, communicator: UInt64, seq: UInt64) {
            self.job = job
            self.communicator = communicator
            self.seq = seq
        }
    }

    public struct Instance: Sendable, Equatable {
        public var key: Key
        public var op: CollectiveOp
        public var size: Int
        /// The payload, as the first member to report gave it.
        public var bytes: UInt64
        public var arrived = 0
        public var firstSeenNs: UInt64
        /// The member that spent the least time inside: the last to arrive.
        public var lastArriver = -1
        public var shortestNs: UInt64 = .max
        /// The member that computed longest before this instance, and for how long.
        public var longestGapRank = -1
        public var longestGapNs: UInt64 = 0
        public var totalGapNs: UInt64 = 0
        /// Bit r set: the member with world rank r reported. Sized by rank.
        public var members: [UInt64] = []

        public var isComplete: Bool { arrived >= size }

        public func hasMember(_ rank: Int) -> Bool {
            rank / 64 < members.count && members[rank / 64] & (1 << UInt64(rank % 64)) != 0
        }

        /// Adds a member; false if it had already reported.
        mutating func add(rank: Int, durationNs: UInt64, gapNs: UInt64) -> Bool {
            let word = rank / 64, bit = UInt64(1) << UInt64(rank % 64)
            if word >= members.count { members += [UInt64](repeating: 0, count: word + 1 - members.count) }
            guard members[word] & bit == 0 else { return false }
            members[word] |= bit
            arrived += 1
            totalGapNs &+= gapNs
            if gapNs > longestGapNs || longestGapRank < 0 {
                longestGapNs = gapNs
                longestGapRank = rank
            }
            if durationNs < shortestNs {
                shortestNs = durationNs
                lastArriver = rank
            }
            return true
        }
    }

    public let timeoutNs: UInt64
    private var open: [Key: Instance] = [:]

    public init(timeoutNs: UInt64 = 30_000_000_000) {
        self.timeoutNs = timeoutNs
    }

    public var openCount: Int { open.count }

    /// Add one event of job `job`; returns the instance if this completed it.
    public mutating func add(_ event: InstanceEvent, job: Int32, nowNs: UInt64) -> Instance? {
        let key = Key(job: job, communicator: event.communicator, seq: event.seq)
        // One hash lookup per event, the instance updated in place; the
        // second lookup happens once per instance, when it completes.
        let completed = Self.add(event, to: &open[key, default: Instance(key: key, op: event.op,
                                                                          size: Int(event.communicatorSize), bytes: event.bytes,
                                                                          firstSeenNs: nowNs)])
        return completed ? open.removeValue(forKey: key) : nil
    }

    private static func add(_ event: InstanceEvent, to instance: inout Instance) -> Bool {
        instance.add(rank: event.rank, durationNs: event.durationNs, gapNs: event.gapNs) && instance.isComplete
    }

    /// Drops `job`'s open instances (its next attempt starts its seqs over).
    public mutating func forget(job: Int32) {
        open = open.filter { $0.key.job != job }
    }

    /// Instances open longer than the timeout, removed.
    public mutating func expire(nowNs: UInt64) -> [Instance] {
        let stale = open.values.filter { nowNs - min(nowNs, $0.firstSeenNs) > timeoutNs }
        for instance in stale { open[instance.key] = nil }
        return stale
    }
}
