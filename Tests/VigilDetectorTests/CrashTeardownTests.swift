import Testing
import VigilCore
import VigilDetector

/// One rank dies, mpirun kills the others: the one to blame is the rank
/// that never entered the collective its peers were waiting in, whichever
/// node reported first.
struct CrashTeardownTests {
    static func snapshot(rank: Int, status: RankStatus, entered: UInt64) -> RankSnapshot {
        RankSnapshot(identity: RankIdentity(job: "j", rank: rank, worldSize: 4, pid: Int32(100 + rank), host: "n\(rank)"),
                     status: status, exitStatus: nil, counters: RingCounters(consumed: entered), blocked: nil,
                     progress: [.init(communicator: 1, size: 4, lastSeqEntered: entered, lastSeqLeft: 4)])
    }

    @Test func theRankThatNeverArrivedIsTheCulpritNotTheFirstReported() {
        var detector = Detector()
        let t: UInt64 = 1_000_000_000_000
        for rank in 0..<4 {
            detector.observe(Self.snapshot(rank: rank, status: .running, entered: rank == 2 ? 4 : 5), node: "n\(rank)", atNs: t)
            detector.heartbeat(node: "n\(rank)", atNs: t)
        }
        // Victims on n0 and n1 are reported first; rank 2's node has not reported since.
        for rank in [0, 1] {
            detector.observe(Self.snapshot(rank: rank, status: .died, entered: 5), node: "n\(rank)", atNs: t + 100_000_000)
            detector.heartbeat(node: "n\(rank)", atNs: t + 100_000_000)
        }
        #expect(detector.evaluate(nowNs: t + 200_000_000).raised.isEmpty, "not judged before every node reported")
        detector.observe(Self.snapshot(rank: 2, status: .died, entered: 4), node: "n2", atNs: t + 900_000_000)
        detector.heartbeat(node: "n2", atNs: t + 900_000_000)
        detector.observe(Self.snapshot(rank: 3, status: .died, entered: 5), node: "n3", atNs: t + 950_000_000)
        detector.heartbeat(node: "n3", atNs: t + 950_000_000)
        let raised = detector.evaluate(nowNs: t + 1_000_000_000).raised
        #expect(raised.count == 1)
        #expect(raised.first?.incidentClass == .rankCrash)
        #expect(raised.first?.suspects == [.init(node: "n2", rank: 2)])
        #expect(raised.first?.evidence.summary.contains("then 3 more ended") == true, "\(raised.first?.evidence.summary ?? "")")
    }
}
