import CVigilRing
import Foundation
import Testing
import VigilAgent
import VigilCore

/// The shared-memory ring: libvigil's producer (the C inline functions)
/// against the agent's consumer (RingFile.drain), on a real mapped file.
struct RingTests {
    static let identity = RankIdentity(job: "test", rank: 0, worldSize: 1, pid: getpid(), host: "h")

    private func withRing(capacity: UInt32, _ body: (RingFile) throws -> Void) throws {
        let path = NSTemporaryDirectory() + "vigil-ring-test-\(UUID().uuidString).ring"
        let ring = try RingFile.create(path: path, capacity: capacity, identity: Self.identity)
        defer { ring.remove() }
        try body(ring)
    }

    private func record(_ seq: UInt64) -> vigil_record {
        var r = vigil_record()
        r.op = UInt16(VIGIL_OP_ALLREDUCE.rawValue)
        r.comm_id = 1
        r.seq = seq
        r.t_enter = seq * 10
        r.t_exit = seq * 10 + 5
        r.bytes = 8
        r.comm_size = 2
        r.peer = -1
        return r
    }

    private func telemetry(depth: Int = 1_024) -> RankTelemetry {
        RankTelemetry(identity: Self.identity, flightRecorderDepth: depth)
    }

    @Test func wrapsAroundKeepingOrder() throws {
        try withRing(capacity: 64) { ring in
            var cachedTail: UInt64 = 0
            var sink = telemetry()
            var seq: UInt64 = 0
            for _ in 0..<5 {  // 5 x 50 records through 64 slots: every lap wraps
                for _ in 0..<50 {
                    seq += 1
                    var r = record(seq)
                    #expect(vigil_ring_push(ring.header, &cachedTail, &r) == 0)
                }
                #expect(ring.drain(into: &sink) == 50)
            }
            #expect(sink.recorder.records.map(\.seq) == Array(1...250))
            #expect(ring.counters == RingCounters(consumed: 250, pending: 0, dropped: 0))
        }
    }

    @Test func fullRingDropsAndCountsNeverBlocks() throws {
        try withRing(capacity: 64) { ring in
            var cachedTail: UInt64 = 0
            for seq in 1...64 {
                var r = record(UInt64(seq))
                #expect(vigil_ring_push(ring.header, &cachedTail, &r) == 0)
            }
            for seq in 65...74 {
                var r = record(UInt64(seq))
                #expect(vigil_ring_push(ring.header, &cachedTail, &r) == -1)
            }
            #expect(ring.counters == RingCounters(consumed: 0, pending: 64, dropped: 10))
            var sink = telemetry()
            #expect(ring.drain(into: &sink, limit: 16) == 16)
            var r = record(75)
            #expect(vigil_ring_push(ring.header, &cachedTail, &r) == 0)
            #expect(ring.counters == RingCounters(consumed: 16, pending: 49, dropped: 10))
            #expect(ring.counters.produced == 75)
            #expect(sink.recorder.records.map(\.seq) == Array(1...16))
        }
    }

    /// A producer thread at full speed against the agent's drain: whatever
    /// arrives is whole and in order, and arrived + dropped = produced.
    @Test func producerAndConsumerOnTwoThreads() async throws {
        try withRing(capacity: 1_024) { ring in
            let total: UInt64 = 2_000_000
            let header = UnsafeSendable(ring.header)
            let producer = Thread {
                var cachedTail: UInt64 = 0
                for seq in 1...total {
                    var r = record(seq)
                    _ = vigil_ring_push(header.value, &cachedTail, &r)
                }
            }
            producer.start()
            var sink = telemetry(depth: 1)
            var consumed: UInt64 = 0
            while consumed + vigil_ring_dropped(ring.header) < total {
                consumed += ring.drain(into: &sink, limit: 256)
            }
            let counters = ring.counters
            #expect(counters.consumed + counters.dropped == total)
            let seen = try #require(sink.communicators[1])
            #expect(seen.records == counters.consumed)
            #expect(seen.completedOutOfOrder == 0, "records arrived out of order")
            // every record spans exactly 5 ns: a torn read would not
            #expect(seen.timeInCallsNs == 5 * seen.records, "a record was read half-written")
            #expect(seen.lastSeqLeft == total || counters.dropped > 0)
        }
    }

    @Test func inflightSlotReadsConsistently() throws {
        try withRing(capacity: 64) { ring in
            #expect(ring.blockedCall == nil)
            let gen = vigil_inflight_begin(ring.header, UInt32(VIGIL_OP_BCAST.rawValue), 9, 41, 4, 1_234)
            #expect(ring.blockedCall == BlockedCall(op: .bcast, communicator: 9, seq: 41, sinceNs: 1_234))
            vigil_inflight_end(ring.header, gen)
            #expect(ring.blockedCall == nil)
        }
    }

    @Test func pointToPointSlotNamesItsPeers() throws {
        try withRing(capacity: 64) { ring in
            var peers: [Int32] = [2, 6, 1, 3]
            let gen = vigil_inflight_begin_p2p(ring.header, UInt32(VIGIL_OP_P2P_WAIT.rawValue), 8, &peers, 9, 500)
            #expect(ring.blockedCall == BlockedCall(op: .p2pWait, communicator: 8, seq: 0, sinceNs: 500,
                                                    peers: [2, 6, 1, 3], peerCount: 9))
            vigil_inflight_end(ring.header, gen)
            var one: Int32 = 5
            _ = vigil_inflight_begin_p2p(ring.header, UInt32(VIGIL_OP_P2P_RECV.rawValue), 1, &one, 1, 600)
            #expect(ring.blockedCall?.peers == [5])
            // a collective after it lists no stale peers
            _ = vigil_inflight_begin(ring.header, UInt32(VIGIL_OP_BCAST.rawValue), 9, 41, 4, 700)
            #expect(ring.blockedCall == BlockedCall(op: .bcast, communicator: 9, seq: 41, sinceNs: 700))
        }
    }

    /// Two threads inside collectives (MPI_THREAD_MULTIPLE): the one that
    /// leaves first must not hide the one still waiting.
    @Test func leavingDoesNotClearAnotherThreadsCall() throws {
        try withRing(capacity: 64) { ring in
            let first = vigil_inflight_begin(ring.header, UInt32(VIGIL_OP_ALLREDUCE.rawValue), 1, 7, 4, 100)
            let second = vigil_inflight_begin(ring.header, UInt32(VIGIL_OP_BARRIER.rawValue), 5, 3, 2, 200)
            vigil_inflight_end(ring.header, first)
            #expect(ring.blockedCall == BlockedCall(op: .barrier, communicator: 5, seq: 3, sinceNs: 200))
            vigil_inflight_end(ring.header, second)
            #expect(ring.blockedCall == nil)
        }
    }

    @Test func reopenedRingValidatesAndKeepsItsIdentity() throws {
        try withRing(capacity: 128) { ring in
            let reopened = try RingFile.open(path: ring.path)
            #expect(reopened.identity == Self.identity)
        }
    }

    @Test func refusesAFileThatIsNotARing() throws {
        let path = NSTemporaryDirectory() + "vigil-not-a-ring-\(UUID().uuidString).ring"
        try Data(repeating: 7, count: 8_192).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        #expect(throws: RingFileError.self) { try RingFile.open(path: path) }
    }
}

struct UnsafeSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
