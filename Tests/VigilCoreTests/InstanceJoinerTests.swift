import Testing
import VigilCore

struct InstanceJoinerTests {
    private func event(_ rank: Int, seq: UInt64 = 1, duration: UInt64, size: UInt32 = 3) -> InstanceEvent {
        InstanceEvent(communicator: 1, seq: seq, op: .allreduce, communicatorSize: size, rank: rank,
                      enterNs: 100, durationNs: duration)
    }

    @Test func completesWhenEveryMemberReportedAndNamesTheLastArriver() {
        var joiner = InstanceJoiner()
        #expect(joiner.add(event(0, duration: 900), job: 0, nowNs: 0) == nil)
        #expect(joiner.add(event(0, duration: 900), job: 0, nowNs: 0) == nil, "a duplicate member is not a new one")
        #expect(joiner.add(event(2, duration: 40), job: 0, nowNs: 0) == nil)
        let done = joiner.add(event(1, duration: 700), job: 0, nowNs: 0)
        #expect(done?.isComplete == true)
        #expect(done?.lastArriver == 2, "rank 2 waited least, so it came last")
        #expect(done.map { (0..<3).allSatisfy($0.hasMember) } == true)
        #expect(joiner.openCount == 0)
    }

    @Test func instancesOfOtherJobsOrSeqsDoNotMix() {
        var joiner = InstanceJoiner()
        _ = joiner.add(event(0, seq: 1, duration: 1, size: 2), job: 1, nowNs: 0)
        _ = joiner.add(event(1, seq: 2, duration: 1, size: 2), job: 1, nowNs: 0)
        _ = joiner.add(event(1, seq: 1, duration: 1, size: 2), job: 2, nowNs: 0)
        #expect(joiner.openCount == 3)
    }

    @Test func incompleteInstancesExpireWithTheirMembers() {
        var joiner = InstanceJoiner(timeoutNs: 10)
        _ = joiner.add(event(0, duration: 5), job: 0, nowNs: 0)
        #expect(joiner.expire(nowNs: 5).isEmpty)
        let stale = joiner.expire(nowNs: 11)
        #expect(stale.map(\.arrived) == [1] && stale.first?.isComplete == false)
        #expect(stale.first?.hasMember(0) == true && stale.first?.hasMember(1) == false, "the missing members are known")
        var stats = ArrivalStats()
        stale.forEach { stats.record($0) }
        #expect(stats.tallies.first?.value.incomplete == 1)
    }

    @Test func talliesCountWhoCameLast() {
        var joiner = InstanceJoiner()
        var stats = ArrivalStats()
        for seq: UInt64 in 1...10 {
            for rank in 0..<3 {
                let slow = rank == 1 && seq <= 8  // rank 1 is late in 8 of 10
                if let done = joiner.add(event(rank, seq: seq, duration: slow ? 10 : 500 + UInt64(rank)), job: 0, nowNs: 0) {
                    stats.record(done)
                }
            }
        }
        let tally = stats.tallies[ArrivalStats.Key(job: 0, communicator: 1)]
        #expect(tally?.instances == 10)
        #expect(tally?.lastArrivals[1] == 8)
    }
}
