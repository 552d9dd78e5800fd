import Testing
import VigilCore

/// The agent's samples of a rank's in-flight slot become a wait profile:
/// the time between two samples goes to what the first one saw.
struct WaitSamplerTests {
    static let ms: UInt64 = 1_000_000

    static func p2p(_ peers: [Int], since: UInt64) -> BlockedCall {
        BlockedCall(op: .p2pWait, communicator: 0, seq: 0, sinceNs: since, peers: peers)
    }

    @Test func timeGoesToWhatTheEarlierSampleSaw() {
        var sampler = WaitSampler()
        sampler.sample(nil, atNs: 0)                                    // computing…
        sampler.sample(Self.p2p([1, 3], since: 5 * Self.ms), atNs: 10 * Self.ms)   // …10 ms
        sampler.sample(Self.p2p([1, 3], since: 5 * Self.ms), atNs: 11 * Self.ms)   // waiting on 1 and 3, 1 ms (1 ms apart: faster sampling)
        sampler.sample(BlockedCall(op: .allreduce, communicator: 1, seq: 4, sinceNs: 20 * Self.ms), atNs: 30 * Self.ms)  // 19 ms more
        sampler.sample(nil, atNs: 40 * Self.ms)                          // in an allreduce 10 ms
        let profile = sampler.take()
        #expect(profile.spanNs == 40 * Self.ms && profile.blockedNs == 30 * Self.ms)
        #expect(profile.peers == [.init(peer: 1, ns: 20 * Self.ms), .init(peer: 3, ns: 20 * Self.ms)])
        #expect(profile.longestWaitNs == 25 * Self.ms, "the wait that began at 5 ms ended by 30 ms")
        #expect(abs(profile.computingShare - 0.25) < 1e-9)
        #expect(sampler.take() == WaitProfile(), "each take starts afresh")
    }

    @Test func aWaitStillUnderWayHasNotEnded() {
        var sampler = WaitSampler()
        sampler.sample(Self.p2p([2], since: 0), atNs: 0)
        sampler.sample(Self.p2p([2], since: 0), atNs: 500 * Self.ms)
        #expect(sampler.take().longestWaitNs == 0)
        sampler.sample(nil, atNs: 600 * Self.ms)
        #expect(sampler.take().longestWaitNs == 600 * Self.ms)
    }

    @Test func mostPeersKeptAreTheLongestWaitedOn() {
        var sampler = WaitSampler()
        let peers = Array(0..<12)
        sampler.sample(Self.p2p(Array(peers.prefix(4)), since: 0), atNs: 0)
        sampler.sample(Self.p2p(Array(peers.suffix(8)), since: 1), atNs: 10 * Self.ms)
        sampler.sample(nil, atNs: 15 * Self.ms)
        let profile = sampler.take()
        #expect(profile.peers.count == WaitProfile.maxPeers)
        #expect(profile.peers.prefix(4).map(\.peer) == [0, 1, 2, 3], "10 ms each, before the 5 ms ones")
    }
}
