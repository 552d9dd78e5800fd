import Synchronization
import VigilCore

/// The server's running join of instance events from every agent, and the
/// last-arrival tallies it produces. Shared by all agent sessions.
public final class ArrivalBook: Sendable {
    private struct State {
        var joiner: InstanceJoiner
        var stats = ArrivalStats()
        var lastExpiryNs: UInt64 = 0
        var jobs: [String: Int32] = [:]   // interned: the join hashes integers only

        mutating func intern(_ job: String) -> Int32 {
            if let id = jobs[job] { return id }
            let id = Int32(jobs.count)
            jobs[job] = id
            return id
        }
    }

    private let state: Mutex<State>

    public init(timeoutNs: UInt64 = 30_000_000_000) {
        state = Mutex(State(joiner: InstanceJoiner(timeoutNs: timeoutNs)))
    }

    public func add(_ item: InstanceEvents, nowNs: UInt64) {
        state.withLock { s in
            let job = s.intern(item.job)
            for event in item.events where InstanceEvent.isJoinable(event.communicator) {
                if let done = s.joiner.add(event, job: job, nowNs: nowNs) { s.stats.record(done) }
            }
            if nowNs - min(nowNs, s.lastExpiryNs) > 1_000_000_000 {
                for stale in s.joiner.expire(nowNs: nowNs) { s.stats.record(stale) }
                s.lastExpiryNs = nowNs
            }
        }
    }

    public func tallies(job: String) -> [ArrivalTally] {
        state.withLock { s in
            guard let id = s.jobs[job] else { return [] }
            return s.stats.tallies.filter { $0.key.job == id }.map {
                ArrivalTally(communicator: $0.key.communicator, instances: $0.value.instances,
                             incomplete: $0.value.incomplete,
                             lastArrivals: $0.value.lastArrivals.map { ArrivalTally.Count(rank: $0.key, times: $0.value) }
                                 .sorted { $0.rank < $1.rank })
            }.sorted { $0.communicator < $1.communicator }
        }
    }

    public var openInstances: Int { state.withLock { $0.joiner.openCount } }
}

public struct ArrivalTally: Sendable, Equatable, Codable {
    public struct Count: Sendable, Equatable, Codable {
        public var rank: Int
        public var times: UInt64
    }

    public var communicator: UInt64
    public var instances: UInt64
    public var incomplete: UInt64
    public var lastArrivals: [Count]
}
