import Testing
import VigilCore
import VigilDetector

/// Peers left waiting by a rank that died, or by a node going down, can
/// pass the hang threshold before the cause is judged (the crash rule
/// waits for every node's report; a node is down only after the timeout).
/// The hang waits for that verdict, which then explains it away.
struct PendingCauseTests {
    static let t: UInt64 = 1_000_000_000_000
    static let second: UInt64 = 1_000_000_000

    /// Ranks 0, 1 and 3 inside allreduce #5 since `t + blockedAt`; rank 2 never entered it.
    static func observeAll(_ detector: inout Detector, rank2: RankStatus, blockedAt: UInt64, heardAt: UInt64) {
        for rank in 0..<4 {
            let blocked = rank == 2 ? nil : BlockedCall(op: .allreduce, communicator: 1, seq: 5, sinceNs: t + blockedAt)
            let snapshot = CrashTeardownTests.snapshot(rank: rank, status: rank == 2 ? rank2 : .running,
                                                       entered: rank == 2 ? 4 : 5, blocked: blocked)
            detector.observe(snapshot, node: "n\(rank)", atNs: t + heardAt)
            detector.heartbeat(node: "n\(rank)", atNs: t + heardAt)
        }
    }

    @Test func aDeadRanksPeersAreNotAHangWhileTheCrashAwaitsReports() {
        var detector = Detector()
        Self.observeAll(&detector, rank2: .running, blockedAt: 0, heardAt: 900_000_000)
        detector.observe(CrashTeardownTests.snapshot(rank: 2, status: .died, entered: 4), node: "n2", atNs: Self.t + Self.second)
        detector.heartbeat(node: "n2", atNs: Self.t + Self.second)
        let early = detector.evaluate(nowNs: Self.t + 2_100_000_000).raised
        #expect(early.isEmpty, "past the hang threshold, the crash not judged yet: \(early.map(\.headline))")
        for node in ["n0", "n1", "n3"] { detector.heartbeat(node: node, atNs: Self.t + 2_200_000_000) }
        let raised = detector.evaluate(nowNs: Self.t + 2_300_000_000).raised
        #expect(raised.map(\.incidentClass) == [.rankCrash] && raised.first?.suspects == [.init(node: "n2", rank: 2)])
    }

    @Test func aNodeGoingDownIsDownNotAHangOnIt() {
        var detector = Detector()
        Self.observeAll(&detector, rank2: .running, blockedAt: 400_000_000, heardAt: 500_000_000)
        for node in ["n0", "n1", "n3"] { detector.heartbeat(node: node, atNs: Self.t + 2_400_000_000) }
        let early = detector.evaluate(nowNs: Self.t + 2_450_000_000).raised
        #expect(early.isEmpty, "n2 late, not yet down: \(early.map(\.headline))")
        let raised = detector.evaluate(nowNs: Self.t + 2_600_000_000).raised
        #expect(raised.map(\.incidentClass) == [.nodeDown] && raised.first?.suspects == [.init(node: "n2")])
    }

    /// A node heard on time: its hung rank is a hang at once.
    @Test func aHungRankOnALiveNodeIsNotHeldBack() {
        var detector = Detector()
        Self.observeAll(&detector, rank2: .stopped, blockedAt: 0, heardAt: 2_000_000_000)
        let raised = detector.evaluate(nowNs: Self.t + 2_100_000_000).raised
        #expect(raised.map(\.incidentClass) == [.nonCommunicationHang] && raised.first?.suspects == [.init(node: "n2", rank: 2)])
    }
}
