import Testing
import VigilCore

struct CommunicatorProgressTests {
    private func record(_ op: CollectiveOp, _ seq: UInt64, enter: UInt64 = 0, exit: UInt64 = 10,
                        failed: Bool = false) -> CollectiveRecord {
        CollectiveRecord(op: op, communicator: 7, seq: seq, enterNs: enter, exitNs: exit, bytes: 100,
                         communicatorSize: 4, failed: failed)
    }

    @Test func countsOpsBytesAndTimeInCalls() {
        var progress = CommunicatorProgress(communicator: 7, size: 4)
        progress.apply(record(.allreduce, 1, enter: 0, exit: 40))
        progress.apply(record(.bcast, 2, enter: 50, exit: 60))
        progress.apply(record(.allreduce, 3, enter: 70, exit: 100, failed: true))
        #expect(progress.opCounts == ["allreduce": 2, "bcast": 1])
        #expect(progress.bytes == 300)
        #expect(progress.timeInCallsNs == 80)
        #expect(progress.failures == 1)
        #expect(progress.lastSeqLeft == 3 && progress.firstSeq == 1 && progress.missingSeqs == 0)
    }

    @Test func nonblockingCompletionsOutOfOrderAreNotGaps() {
        var progress = CommunicatorProgress(communicator: 7, size: 4)
        for seq: UInt64 in [2, 1, 3, 5, 4] { progress.apply(record(.iallreduce, seq)) }
        #expect(progress.missingSeqs == 0)
        #expect(progress.completedOutOfOrder == 2)
        #expect(progress.lastSeqLeft == 5)
    }

    @Test func gapsShowAsMissingSequenceNumbers() {
        var progress = CommunicatorProgress(communicator: 7, size: 4)
        for seq: UInt64 in [1, 2, 6, 7] { progress.apply(record(.allreduce, seq)) }
        #expect(progress.missingSeqs == 3)
    }

    @Test func rankTelemetrySeparatesPointToPointFromCollectives() {
        var rank = RankTelemetry(identity: RankIdentity(job: "j", rank: 0, worldSize: 2, pid: 1, host: "h"),
                                 flightRecorderDepth: 8)
        rank.apply(record(.allreduce, 1))
        rank.apply(CollectiveRecord(op: .p2pSend, communicator: 0, seq: 5, enterNs: 0, exitNs: 1_000_000,
                                    bytes: 4096, busyNs: 800, peer: 1, communicatorSize: 0))
        rank.apply(CollectiveRecord(op: .p2pRecv, communicator: 0, seq: 3, enterNs: 0, exitNs: 1_000_000,
                                    bytes: 1024, busyNs: 300, peer: 1, communicatorSize: 0))
        #expect(rank.communicators.keys.sorted() == [7])
        var expected = PeerTraffic(peer: 1)
        (expected.sent, expected.sentBytes, expected.sendBusyNs) = (5, 4096, 800)
        (expected.received, expected.receivedBytes, expected.receiveBusyNs) = (3, 1024, 300)
        expected.records = 2
        #expect(rank.peers[1] == expected)
        #expect(rank.observed == 3 && rank.recorder.count == 3)
    }

    @Test func lastSeqEnteredIncludesTheCallInFlight() {
        var rank = RankTelemetry(identity: RankIdentity(job: "j", rank: 0, worldSize: 2, pid: 1, host: "h"),
                                 flightRecorderDepth: 8)
        rank.apply(record(.allreduce, 1))
        #expect(rank.lastSeqEntered(on: 7) == 1)
        rank.blocked = BlockedCall(op: .allreduce, communicator: 7, seq: 2, sinceNs: 5)
        #expect(rank.lastSeqEntered(on: 7) == 2)
    }
}
