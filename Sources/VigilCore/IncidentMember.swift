extension Incident {
    /// One member of the collective instance behind a hang or a straggler,
    /// where it was when the incident was judged: who entered when, who
    /// never arrived. Times inside and before the call are rank-local.
    public struct Member: Sendable, Equatable, Codable {
        public enum State: String, Sendable, Codable {
            /// Inside the instance, waiting for the others.
            case waiting
            /// Never entered the instance.
            case absent
            /// Stopped by a signal (inside the instance when `enteredNs` is set).
            case stopped
            /// Took part in the (completed) instance.
            case arrived
        }

        /// Evidence keeps this many members: every culprit first, then the others.
        public static let limit = 64

        public var rank: Int
        public var node: String
        public var state: State
        /// Wall-clock ns it entered the instance.
        public var enteredNs: UInt64?
        /// Time inside the call, and compute before it (arrived members).
        public var insideNs: UInt64?
        public var computeNs: UInt64?
        /// The newest instance it entered on this communicator (absent members).
        public var lastSeq: UInt64?
        /// What it is blocked in instead, e.g. "allreduce #1040 on 0x2a".
        public var blockedIn: String?

        public init(rank: Int, node: String, state: State, enteredNs: UInt64? = nil, insideNs: UInt64? = nil,
                    computeNs: UInt64? = nil, lastSeq: UInt64? = nil, blockedIn: String? = nil) {
            self.rank = rank
            self.node = node
            self.state = state
            self.enteredNs = enteredNs
            self.insideNs = insideNs
            self.computeNs = computeNs
            self.lastSeq = lastSeq
            self.blockedIn = blockedIn
        }

        /// `culprits` then `others`, at most `limit` in all: the members to
        /// keep as evidence and how many are left out. Of the others, the
        /// first and last to enter are kept (the spread of the wait).
        public static func sample(culprits: [Member], others: [Member]) -> (members: [Member], left: Int) {
            let kept = Array(culprits.prefix(limit))
            let room = limit - kept.count
            let sorted = others.sorted { ($0.enteredNs ?? 0, $0.rank) < ($1.enteredNs ?? 0, $1.rank) }
            guard sorted.count > room else { return (kept + sorted, culprits.count - kept.count) }
            let head = sorted.prefix(room - room / 2), tail = sorted.suffix(room / 2)
            return (kept + head + tail, culprits.count - kept.count + sorted.count - head.count - tail.count)
        }
    }
}
