/// Who arrives last, per job and communicator: the straggler evidence the
/// detector reads. In most instances the same rank arriving last means that
/// rank (or its node) is slow.
public struct ArrivalStats: Sendable {
    public struct Key: Hashable, Sendable, Codable {
        public var job: Int32
        public var communicator: UInt64

        public init(job: Int32, communicator: UInt64) {
            self.job = job
            self.communicator = communicator
        }
    }

    public struct Tally: Sendable, Equatable, Codable {
        public var instances: UInt64 = 0
        public var incomplete: UInt64 = 0
        /// How often each rank arrived last.
        public var lastArrivals: [Int: UInt64] = [:]
    }

    public private(set) var tallies: [Key: Tally] = [:]

    public init() {}

    public mutating func record(_ instance: InstanceJoiner.Instance) {
        let key = Key(job: instance.key.job, communicator: instance.key.communicator)
        tallies[key, default: Tally()].instances += 1
        if !instance.isComplete {
            tallies[key, default: Tally()].incomplete += 1
        } else if instance.size > 1, instance.lastArriver >= 0 {
            tallies[key, default: Tally()].lastArrivals[instance.lastArriver, default: 0] += 1
        }
    }
}

/// One communicator's last-arrival tally, as the API serves it.
public struct ArrivalTally: Sendable, Equatable, Codable {
    public struct Count: Sendable, Equatable, Codable {
        public var rank: Int
        public var times: UInt64

        public init(rank: Int, times: UInt64) {
            self.rank = rank
            self.times = times
        }
    }

    public var communicator: UInt64
    public var instances: UInt64
    public var incomplete: UInt64
    public var lastArrivals: [Count]

    public init(communicator: UInt64, instances: UInt64, incomplete: UInt64, lastArrivals: [Count]) {
        self.communicator = communicator
        self.instances = instances
        self.incomplete = incomplete
        self.lastArrivals = lastArrivals
    }
}
