import Testing
import VigilCore
import VigilDetector

/// One rank dies, mpirun kills the others: the one to blame is the rank
/// that never entered the collective its peers were waiting in, whichever
/// node reported first.
struct CrashTeardownTests {
    static func snapshot(rank: Int, status: RankStatus, entered: UInt64, exit: Int32? = nil,
                         endedNs: UInt64? = nil, blocked: BlockedCall? = nil) -> RankSnapshot {
        RankSnapshot(identity: RankIdentity(job: "j", rank: rank, worldSize: 4, pid: Int32(100 + rank), host: "n\(rank)"),
                     status: status, exitStatus: exit, counters: RingCounters(consumed: entered), blocked: blocked,
                     progress: [.init(communicator: 1, size: 4, lastSeqEntered: entered, lastSeqLeft: 4)], endedNs: endedNs)
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

extension CrashTeardownTests {
    /// Every rank inside the same collective: the ranks told to stop (SIGTERM)
    /// are the teardown; the one that was not is the crash. All told to stop: a stop.
    @Test(arguments: [true, false])
    func ranksToldToStopAreNotCulprits(oneCrashed: Bool) {
        var detector = Detector()
        let t: UInt64 = 1_000_000_000_000
        for rank in 0..<4 {
            let exit = oneCrashed && rank == 3 ? nil : RankSnapshot.terminatedStatus
            detector.observe(Self.snapshot(rank: rank, status: .died, entered: 5, exit: exit), node: "n\(rank)", atNs: t)
            detector.heartbeat(node: "n\(rank)", atNs: t)
        }
        let raised = detector.evaluate(nowNs: t + 1).raised
        #expect(raised.map(\.suspects) == (oneCrashed ? [[.init(node: "n3", rank: 3)]] : []))
    }

    /// Rank 1 killed while rank 0 evaluated (both as far behind); rank 0
    /// aborted on the connection rank 1 reset, before mpirun's SIGTERM came:
    /// it ended later, and is not the culprit. Ending together, both are.
    @Test(arguments: [(UInt64(15_000_000), [1]), (UInt64(1_000_000), [0, 1])])
    func theRankThatEndedFirstIsTheCulprit(gapNs: UInt64, culprits: [Int]) {
        var detector = Detector()
        let t: UInt64 = 1_000_000_000_000
        for rank in 0..<4 {
            let crashed = rank <= 1
            detector.observe(Self.snapshot(rank: rank, status: .died, entered: crashed ? 4 : 5,
                                           exit: crashed ? nil : RankSnapshot.terminatedStatus,
                                           endedNs: t + (rank == 0 ? gapNs : 0)), node: "n\(rank)", atNs: t)
            detector.heartbeat(node: "n\(rank)", atNs: t)
        }
        let raised = detector.evaluate(nowNs: t + 1).raised
        #expect(raised.map(\.suspects) == [culprits.map { .init(node: "n\($0)", rank: $0) }])
        if culprits.count == 1 {
            #expect(raised.first?.evidence.summary.contains("rank 0 ended 15 ms later") == true, "\(raised.first?.evidence.summary ?? "")")
        }
    }

    /// A pipeline (no collective): stage 1 killed while computing, stage 2
    /// aborted on the connection it reset within the same millisecond,
    /// inside its receive from stage 1. The stage that died waiting on the
    /// other is its victim; two stages that died waiting on each other tie.
    @Test(arguments: [(false, [1]), (true, [1, 2])])
    func aStageThatDiedWaitingOnTheOtherIsItsVictim(cyclic: Bool, culprits: [Int]) {
        var detector = Detector()
        let t: UInt64 = 1_000_000_000_000
        for rank in 0..<4 {
            let crashed = rank == 1 || rank == 2
            let peer = rank == 2 ? 1 : (cyclic && rank == 1 ? 2 : nil)
            let blocked = peer.map { BlockedCall(op: .p2pRecv, communicator: 1, seq: 0, sinceNs: t, peers: [$0]) }
            detector.observe(Self.snapshot(rank: rank, status: .died, entered: 5, exit: crashed ? nil : RankSnapshot.terminatedStatus,
                                           endedNs: t + (rank == 2 ? 800_000 : 0), blocked: blocked), node: "n\(rank)", atNs: t)
            detector.heartbeat(node: "n\(rank)", atNs: t)
        }
        let raised = detector.evaluate(nowNs: t + 1).raised
        #expect(raised.map(\.suspects) == [culprits.map { .init(node: "n\($0)", rank: $0) }])
    }
}

struct ProbePlanTests {
    @Test(arguments: [2, 3, 4, 7, 16])
    func everyPairOnceAndNoNodeTwiceInASlot(nodes count: Int) {
        let nodes = (0..<count).map { "n\($0)" }
        let probes = ProbePlan.probes(among: nodes)
        let pairs = Set(probes.map { [$0.from, $0.to] })
        #expect(probes.count == count * (count - 1) / 2 && pairs.count == probes.count)
        for (_, inSlot) in Dictionary(grouping: probes, by: \.slot) {
            let busy = inSlot.flatMap { [$0.from, $0.to] }
            #expect(Set(busy).count == busy.count)
        }
        #expect(Set(probes.map(\.slot)).count == (count % 2 == 0 ? count - 1 : count))
    }
}
