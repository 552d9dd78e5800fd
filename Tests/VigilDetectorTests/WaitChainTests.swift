import Testing
import VigilCore
@testable import VigilDetector

/// A hang is blamed on the rank at the end of the wait-for chain; the ranks
/// blocked on it (in a pipeline Sendrecv, in another communicator's
/// collective) are its victims, never culprits.
struct WaitChainTests {
    static let t0: UInt64 = 1_700_000_000_000_000_000
    static let now = t0 + 5_000_000_000
    static let (world, tpA, tpB): (UInt64, UInt64, UInt64) = (1, 0x10, 0x11)

    static func rank(_ rank: Int, on node: String, _ status: RankStatus = .running, blocked: BlockedCall? = nil,
                     entered: [UInt64: UInt64]) -> (RankSnapshot, String) {
        let progress = entered.sorted { $0.key < $1.key }.map { comm, seq in
            RankSnapshot.Progress(communicator: comm, size: comm == world ? 4 : 2, lastSeqEntered: seq,
                                  lastSeqLeft: blocked?.communicator == comm ? seq - 1 : seq)
        }
        let snapshot = RankSnapshot(identity: RankIdentity(job: "mesh", rank: rank, worldSize: 4, pid: Int32(100 + rank), host: node),
                                    status: status, exitStatus: nil, counters: RingCounters(consumed: 1), blocked: blocked,
                                    progress: progress)
        return (snapshot, node)
    }

    static func collective(_ comm: UInt64, _ seq: UInt64) -> BlockedCall {
        BlockedCall(op: .allreduce, communicator: comm, seq: seq, sinceNs: t0)
    }

    static func p2p(_ op: CollectiveOp, _ peers: Int...) -> BlockedCall {
        BlockedCall(op: op, communicator: world, seq: 0, sinceNs: t0, peers: peers)
    }

    static func evaluate(_ ranks: [(RankSnapshot, String)], probes: [LinkProbe] = [], atNs: UInt64 = now) -> [Incident] {
        var detector = Detector()
        for node in Set(ranks.map(\.1)) { detector.heartbeat(node: node, atNs: atNs) }
        for (snapshot, node) in ranks { detector.observe(snapshot, node: node, atNs: atNs) }
        probes.forEach { detector.observe($0) }
        return detector.evaluate(nowNs: atNs).open
    }

    /// A probe of `from`↔`to` moving 1 MiB in `ms`, taken after the waits began.
    static func probe(_ from: String, _ to: String, ms: UInt64) -> LinkProbe {
        LinkProbe(job: "mesh", from: from, to: to, rttNs: 50_000, bytes: 1 << 20, transferNs: ms * 1_000_000, atNs: t0 + 1_000_000_000)
    }

    /// The mesh workload: TP pairs {0,1} on A and {2,3} on B, pipeline
    /// Sendrecv 0↔2 and 1↔3. Rank 2 stopped: rank 0 waits on it in its
    /// Sendrecv, so rank 1 waits on rank 0 in their tensor-parallel allreduce.
    @Test func aStoppedStageIsTheOnlyCulpritOfAMesh() throws {
        let open = Self.evaluate([
            Self.rank(0, on: "A", blocked: Self.p2p(.p2pSendrecv, 2), entered: [Self.world: 40, Self.tpA: 100]),
            Self.rank(1, on: "A", blocked: Self.collective(Self.tpA, 101), entered: [Self.world: 40, Self.tpA: 101]),
            Self.rank(2, on: "B", .stopped, entered: [Self.world: 40, Self.tpB: 100]),
            Self.rank(3, on: "B", blocked: Self.collective(Self.tpB, 101), entered: [Self.world: 40, Self.tpB: 101]),
        ])
        #expect(open.count == 1, "\(open.map(\.headline))")
        let hang = try #require(open.first)
        #expect(hang.incidentClass == .nonCommunicationHang)
        #expect(hang.suspects == [.init(node: "B", rank: 2)])
        #expect(hang.evidence.victims == [0, 1, 3] && hang.evidence.victimCount == 3)
    }

    /// A four-stage pipeline of Send and Recv, no collective at all.
    @Test func aPipelineHangsOnItsStoppedStageAlone() throws {
        let open = Self.evaluate([
            Self.rank(0, on: "A", blocked: Self.p2p(.p2pSend, 1), entered: [Self.world: 3]),
            Self.rank(1, on: "A", .stopped, entered: [Self.world: 3]),
            Self.rank(2, on: "B", blocked: Self.p2p(.p2pRecv, 1), entered: [Self.world: 3]),
            Self.rank(3, on: "B", blocked: Self.p2p(.p2pRecv, 2), entered: [Self.world: 3]),
        ])
        #expect(open.map(\.incidentClass) == [.nonCommunicationHang], "\(open.map(\.headline))")
        #expect(open.first?.suspects == [.init(node: "A", rank: 1)])
        #expect(open.first?.evidence.victims == [0, 2, 3])
    }

    @Test func aStageStuckComputingIsBlamedNotItsNeighbours() throws {
        let open = Self.evaluate([
            Self.rank(0, on: "A", blocked: Self.p2p(.p2pSend, 1), entered: [Self.world: 3]),
            Self.rank(1, on: "A", entered: [Self.world: 3]),
            Self.rank(2, on: "B", blocked: Self.p2p(.p2pWait, 1, 3), entered: [Self.world: 3]),
            Self.rank(3, on: "B", blocked: Self.collective(Self.world, 4), entered: [Self.world: 4]),
        ])
        #expect(open.map(\.suspects) == [[.init(node: "A", rank: 1)]], "\(open.map(\.headline))")
        #expect(open.first?.evidence.summary.contains("computing") == true)
    }

    /// A send and its receive blocked on each other across nodes: the link, not a rank.
    @Test func stagesBlockedOnEachOtherAreACommunicationHang() throws {
        let stages = [
            Self.rank(0, on: "A", blocked: Self.p2p(.p2pSend, 1), entered: [Self.world: 3]),
            Self.rank(1, on: "B", blocked: Self.p2p(.p2pRecv, 0), entered: [Self.world: 3]),
        ]
        #expect(Self.evaluate(stages).isEmpty, "a crawling link or a hang: the verdict waits for a probe of A↔B")
        let open = Self.evaluate(stages, probes: [Self.probe("A", "B", ms: 100)])
        #expect(open.map(\.incidentClass) == [.communicationHang], "\(open.map(\.headline))")
        #expect(open.first?.suspects == [.init(node: "A"), .init(node: "B")])
    }

    /// One Sendrecv over a link crawling at a twentieth of the rest's rate
    /// takes its time: no hang while the job's pace (2 s), stretched
    /// twentyfold, allows it; a hang past that. With a NIC down there is
    /// nothing to wait for.
    @Test func aWaitOverACrawlingLinkIsJudgedAgainstThePaceItAllows() throws {
        let stages = [
            Self.rank(0, on: "A", blocked: Self.p2p(.p2pSendrecv, 1), entered: [Self.world: 3]),
            Self.rank(1, on: "B", blocked: Self.p2p(.p2pSendrecv, 0), entered: [Self.world: 3]),
            Self.rank(2, on: "C", entered: [Self.world: 3]),
        ]
        let probes = [Self.probe("A", "B", ms: 2_000), Self.probe("A", "C", ms: 100), Self.probe("B", "C", ms: 100)]
        #expect(Self.evaluate(stages, probes: probes, atNs: Self.t0 + 30_000_000_000).isEmpty, "30 s of a 40 s allowance")
        let late = Self.evaluate(stages, probes: probes, atNs: Self.t0 + 45_000_000_000)
        #expect(late.map(\.incidentClass) == [.communicationHang], "\(late.map(\.headline))")
    }

    /// Rank 2's data link cut during a bcast: the others left bcast #9 and
    /// wait in allreduce #10; rank 2 is still inside #9, which every member
    /// entered. Not a rank's fault: data that never reached B.
    @Test func aRankStuckInAnInstanceTheOthersLeftIsACommunicationHang() throws {
        let bcast = BlockedCall(op: .bcast, communicator: Self.world, seq: 9, sinceNs: Self.t0)
        let open = Self.evaluate([
            Self.rank(0, on: "A", blocked: Self.collective(Self.world, 10), entered: [Self.world: 10]),
            Self.rank(1, on: "A", blocked: Self.collective(Self.world, 10), entered: [Self.world: 10]),
            Self.rank(2, on: "B", blocked: bcast, entered: [Self.world: 9]),
            Self.rank(3, on: "C", blocked: Self.collective(Self.world, 10), entered: [Self.world: 10]),
        ])
        #expect(open.map(\.incidentClass) == [.communicationHang], "\(open.map(\.headline))")
        #expect(open.first?.suspects == [.init(node: "B")], "\(open.first?.evidence.summary ?? "")")
        #expect(open.first?.evidence.summary.contains("bcast #9") == true, "\(open.first?.evidence.summary ?? "")")
    }

    /// Recovery stopping the job after rank 2's hang: mpirun resumes the
    /// stopped rank so that it can die, and for a moment every member is
    /// inside allreduce #5. That teardown is no communication hang; the
    /// hang that started it stands until the next attempt.
    @Test(arguments: [false, true])
    func theTeardownOfAnAttemptBeingStoppedRaisesNothing(stopping: Bool) {
        var detector = Detector()
        let hung = [Self.rank(0, on: "A", blocked: Self.collective(Self.world, 5), entered: [Self.world: 5]),
                    Self.rank(1, on: "A", blocked: Self.collective(Self.world, 5), entered: [Self.world: 5]),
                    Self.rank(2, on: "B", .stopped, entered: [Self.world: 4]),
                    Self.rank(3, on: "B", blocked: Self.collective(Self.world, 5), entered: [Self.world: 5])]
        for node in ["A", "B"] { detector.heartbeat(node: node, atNs: Self.now) }
        for (snapshot, node) in hung { detector.observe(snapshot, node: node, atNs: Self.now) }
        #expect(detector.evaluate(nowNs: Self.now).open.map(\.incidentClass) == [.nonCommunicationHang])
        if stopping { detector.stopping(job: "mesh", attempt: 1) }
        let later = Self.now + 1_000_000_000
        let resumed = Self.rank(2, on: "B", blocked: Self.collective(Self.world, 5), entered: [Self.world: 5])
        for node in ["A", "B"] { detector.heartbeat(node: node, atNs: later) }
        for (snapshot, node) in hung.prefix(2) + [resumed] + hung.suffix(1) { detector.observe(snapshot, node: node, atNs: later) }
        let report = detector.evaluate(nowNs: later)
        if stopping {
            #expect(report.raised.isEmpty && report.resolved.isEmpty, "\(report.raised.map(\.headline))")
            #expect(report.open.map(\.incidentClass) == [.nonCommunicationHang] && report.open.first?.suspects.map(\.rank) == [2])
            detector.resumed(job: "mesh")  // the stop failed: the job is judged again
            #expect(detector.evaluate(nowNs: later + 500_000_000).raised.map(\.incidentClass) == [.communicationHang])
        } else {
            #expect(report.raised.map(\.incidentClass) == [.communicationHang], "what the teardown looks like unannounced")
        }
    }

    @Test func aReceiveFromAnySourceWaitsOnNoOneKnown() {
        let graph = WaitGraph(ranks: [0: Detector.Observed(snapshot: Self.rank(0, on: "A", blocked: BlockedCall(
            op: .p2pRecv, communicator: 1, seq: 0, sinceNs: Self.t0, peers: [], peerCount: 0), entered: [:]).0, node: "A", atNs: 0)],
                              members: [:])
        #expect(graph.ends(from: [0]) == .init(ranks: [0], why: .unknown, cyclic: false))
    }

    @Test func aWaitingRankIsFineBeforeTheThreshold() {
        var detector = Detector()
        detector.heartbeat(node: "A", atNs: Self.t0 + 1_000_000_000)
        for (snapshot, node) in [Self.rank(0, on: "A", blocked: Self.p2p(.p2pRecv, 1), entered: [Self.world: 3]),
                                 Self.rank(1, on: "A", .stopped, entered: [Self.world: 3])] {
            detector.observe(snapshot, node: node, atNs: Self.t0 + 1_000_000_000)
        }
        #expect(detector.evaluate(nowNs: Self.t0 + 1_000_000_000).open.isEmpty)
    }
}
