import Testing
import VigilCore
@testable import VigilDetector

/// Jobs paced by point-to-point traffic — a 1F1B pipeline of four stages
/// (no collective at all) and a 2×2 halo exchange — judged on their ranks'
/// wait profiles. The shares are those measured on the bench (4 ranks on 2
/// cores, docs/detection.md): healthy, and with rank 2 held to 25% of a CPU.
struct PointToPointPacingTests {
    static let second: UInt64 = 1_000_000_000
    static let t0: UInt64 = 1_700_000_000_000_000_000

    /// Per rank: its computing share and, per peer listed, the share of its time waiting with it.
    typealias Shape = [Int: (computing: Double, waits: [Int: Double])]

    /// Halo exchange on a periodic 2×2 grid: 0 and 3 are rank 2's neighbours, 1 its diagonal.
    static let healthyHalo: Shape = [
        0: (0.78, [1: 0.21, 2: 0.21]), 1: (0.77, [0: 0.23, 3: 0.23]),
        2: (0.77, [0: 0.23, 3: 0.23]), 3: (0.77, [1: 0.23, 2: 0.23]),
    ]
    static let slowHalo: Shape = [
        0: (0.43, [1: 0.56, 2: 0.56]), 1: (0.44, [0: 0.53, 3: 0.53]),
        2: (0.72, [0: 0.28, 3: 0.28]), 3: (0.41, [1: 0.57, 2: 0.57]),
    ]
    static let healthyPipeline: Shape = [
        0: (0.56, [1: 0.44]), 1: (0.54, [0: 0.21, 2: 0.26]), 2: (0.58, [1: 0.28, 3: 0.14]), 3: (0.58, [2: 0.42]),
    ]
    static let slowPipeline: Shape = [
        0: (0.30, [1: 0.70]), 1: (0.32, [2: 0.60, 0: 0.08]), 2: (0.52, [1: 0.28, 3: 0.21]), 3: (0.30, [2: 0.70]),
    ]

    /// Rank 2's host link cut from 100 to 25 Mbit/s: everyone waits, nobody computes more.
    static let slowLinkPipeline: Shape = [
        0: (0.21, [1: 0.78]), 1: (0.22, [0: 0.07, 2: 0.69]), 2: (0.22, [1: 0.37, 3: 0.39]), 3: (0.21, [2: 0.78]),
    ]
    static let slowLinkHalo: Shape = [
        0: (0.35, [1: 0.60, 2: 0.60]), 1: (0.37, [0: 0.58, 3: 0.58]),
        2: (0.34, [0: 0.62, 3: 0.62]), 3: (0.36, [1: 0.60, 2: 0.60]),
    ]

    static let thresholds = PointToPointStraggler.Thresholds(waitShare: 0.25, computeGap: 0.15, margin: 1.3,
                                                             minimumSpanNs: 5 * second)

    static func totals(_ shape: Shape, seconds: UInt64 = 10) -> [Int: PointToPointWaits.Totals] {
        shape.mapValues { rank in
            let span = seconds * second
            return .init(spanNs: span, blockedNs: UInt64((1 - rank.computing) * Double(span)),
                         byPeer: rank.waits.mapValues { UInt64($0 * Double(span)) })
        }
    }

    @Test func theRankOthersWaitOnWhileItComputesIsTheStraggler() throws {
        let halo = try #require(PointToPointStraggler.judge(Self.totals(Self.slowHalo), Self.thresholds))
        #expect(halo.rank == 2 && halo.waiters.map(\.rank) == [3, 0] && halo.victims == [0, 1, 3])
        let pipeline = try #require(PointToPointStraggler.judge(Self.totals(Self.slowPipeline), Self.thresholds))
        #expect(pipeline.rank == 2 && Set(pipeline.waiters.map(\.rank)) == [1, 3])
        #expect(!pipeline.victims.contains(2), "the straggler is never its own victim")
    }

    /// Healthy, the waiting is spread (the pipeline's bubbles fall on the
    /// stages in turn): nobody stands out. A neighbour of the straggler,
    /// which waits as much as its diagonal, is never the culprit.
    @Test func healthyJobsAndVictimsAreNotStragglers() {
        #expect(PointToPointStraggler.judge(Self.totals(Self.healthyHalo), Self.thresholds) == nil)
        #expect(PointToPointStraggler.judge(Self.totals(Self.healthyPipeline), Self.thresholds) == nil)
        var withoutCulprit = Self.slowHalo
        withoutCulprit[2] = nil   // stopped, say: its waiters are victims of a hang, not of a straggler among them
        #expect(PointToPointStraggler.judge(Self.totals(withoutCulprit), Self.thresholds) == nil)
        #expect(PointToPointStraggler.judge(Self.totals(Self.slowHalo, seconds: 4), Self.thresholds) == nil,
                "too little sampled to judge")
    }

    static let slowdown = PointToPointSlowdown.Thresholds(factor: 1.6, spread: 0.15)

    static func normal(_ shape: Shape) throws -> Double {
        try #require(PointToPointSlowdown.typicalComputingShare(totals(shape), minimumSpanNs: 5 * second))
    }

    /// `shape` judged against `healthy`'s typical share as its normal.
    static func slowdown(_ shape: Shape, normalOf healthy: Shape) throws -> PointToPointSlowdown? {
        PointToPointSlowdown.judge(totals(shape), typical: try normal(shape), normal: try normal(healthy), Self.slowdown)
    }

    /// A slow link makes everyone wait and nobody compute more: the job runs
    /// slower for the same compute. A straggler computes while the others
    /// wait (its own rule's), and a healthy job runs at its normal pace.
    @Test func aSlowLinkSlowsEveryRankAndNoneStandsOut() throws {
        let pipeline = try #require(try Self.slowdown(Self.slowLinkPipeline, normalOf: Self.healthyPipeline))
        #expect(pipeline.factor > 2.5 && abs(pipeline.computingShare - 0.22) < 0.005)
        #expect([pipeline.pairs[0].a, pipeline.pairs[0].b] == [2, 3] && [pipeline.pairs[1].a, pipeline.pairs[1].b] == [1, 2],
                "the pairs waiting on each other most are the slow link's")
        let halo = try #require(try Self.slowdown(Self.slowLinkHalo, normalOf: Self.healthyHalo))
        #expect(halo.factor > 2)
        for (shape, healthy) in [(Self.slowPipeline, Self.healthyPipeline), (Self.slowHalo, Self.healthyHalo),
                                 (Self.healthyPipeline, Self.healthyPipeline), (Self.healthyHalo, Self.healthyHalo)] {
            #expect(try Self.slowdown(shape, normalOf: healthy) == nil)
        }
    }

    /// Waiting in collectives (no peer listed) is the collective rules' to judge.
    @Test func aJobPacedByCollectivesIsNotJudgedOnItsPointToPointPace() {
        let collective: Shape = [0: (0.3, [:]), 1: (0.3, [:]), 2: (0.3, [1: 0.05]), 3: (0.3, [:])]
        #expect(PointToPointSlowdown.typicalComputingShare(Self.totals(collective), minimumSpanNs: 5 * Self.second) == nil)
    }

    /// Through the detector, one rank a host: healthy for 20 s, then rank
    /// 2's host link slows. Communication slow, placed on that host by the
    /// probe round it asks for, the pairs waiting on each other in evidence.
    @Test func theDetectorPlacesAPointToPointSlowLinkByProbes() throws {
        var detector = Detector()
        var raised: [Incident] = [], open: [Incident] = []
        let hosts = (0..<4).map { "n\($0)" }
        for second in UInt64(1)...50 {
            let now = Self.t0 + second * Self.second
            Self.feed(second <= 20 ? Self.healthyPipeline : Self.slowLinkPipeline, to: &detector, atNs: now) { hosts[$0] }
            let report = detector.evaluate(nowNs: now)
            (raised, open) = (raised + report.raised, report.open)
            guard report.probesWanted["p2p"] != nil else { continue }
            for (i, from) in hosts.enumerated() {
                for to in hosts[(i + 1)...] {
                    let slow = from == "n2" || to == "n2"
                    detector.observe(LinkProbe(job: "p2p", from: from, to: to, rttNs: 50_000, bytes: 1 << 20,
                                               transferNs: slow ? 330_000_000 : 85_000_000, atNs: now))
                }
            }
        }
        #expect(raised.count == 1, "\(raised.map(\.headline))")
        let incident = try #require(open.first)
        #expect(incident.incidentClass == .communicationSlow && incident.suspects == [.init(node: "n2")])
        #expect(incident.evidence.summary.contains("the typical rank computed 22% of the last 10s (normal 58%)")
                && incident.evidence.summary.contains("2↔3 59%, 1↔2 53%, 0↔1 43%"), "\(incident.evidence.summary)")
        let latency = Double(try #require(raised.first).detectedNs - (Self.t0 + 20 * Self.second)) / 1e9
        #expect(latency <= 30, "detected \(latency) s after the slowdown")
    }

    /// Through the detector, as the server runs it: a profile a second per
    /// rank, evaluated every second. Healthy for 20 s, then rank 2 slows:
    /// one straggler incident, raised within 30 s, its victims listed.
    @Test func theDetectorRaisesOneStragglerWithItsVictims() throws {
        var detector = Detector()
        var raised: [Incident] = []
        for second in UInt64(1)...40 {
            let now = Self.t0 + second * Self.second
            Self.feed(second <= 20 ? Self.healthyPipeline : Self.slowPipeline, to: &detector, atNs: now)
            raised += detector.evaluate(nowNs: now).raised
        }
        #expect(raised.count == 1, "\(raised.map(\.headline))")
        let incident = try #require(raised.first)
        #expect(incident.incidentClass == .straggler && incident.suspects == [.init(node: "B", rank: 2)])
        #expect(incident.evidence.victims == [0, 1, 3])
        #expect(incident.evidence.summary.hasPrefix("rank 2 computed 52% of the last 10s while ranks 3 (70% of its time), 1 (60% of its time) waited on it"),
                "\(incident.evidence.summary)")
        let latency = Double(incident.detectedNs - (Self.t0 + 20 * Self.second)) / 1e9
        #expect(latency <= 30, "detected \(latency) s after the slowdown")
    }

    @Test func aHealthyPipelineRaisesNothingForMinutes() {
        var detector = Detector()
        for second in UInt64(1)...300 {
            let now = Self.t0 + second * Self.second
            Self.feed(second % 2 == 0 ? Self.healthyPipeline : Self.healthyHalo, to: &detector, atNs: now)
            #expect(detector.evaluate(nowNs: now).raised.isEmpty)
        }
    }

    /// A wait is hung against how long the job's waits last: a halo
    /// exchange whose waits end within 20 ms is hung after the 2 s floor,
    /// though its one allreduce a second would allow twenty.
    @Test func aPointToPointWaitIsJudgedAgainstTheJobsOwnWaits() throws {
        var detector = Detector()
        let stoppedAt = Self.t0 + 10 * Self.second
        for tenth in UInt64(1)...140 {
            let now = Self.t0 + tenth * Self.second / 10
            let stopped = now >= stoppedAt
            for rank in 0..<4 {
                let blocked = stopped && rank != 2
                    ? BlockedCall(op: .p2pWait, communicator: 7, seq: 0, sinceNs: stoppedAt, peers: [2]) : nil
                let profile = stopped ? WaitProfile(spanNs: Self.second / 10, blockedNs: rank == 2 ? 0 : Self.second / 10)
                    : WaitProfile(spanNs: Self.second / 10, blockedNs: Self.second / 50, longestWaitNs: 20_000_000)
                let allreduces = min(now, stoppedAt) / Self.second   // one a second until the stop
                detector.observe(Self.snapshot(rank, status: stopped && rank == 2 ? .stopped : .running, blocked: blocked,
                                               waits: profile, allreduces: allreduces), node: rank < 2 ? "A" : "B", atNs: now)
            }
            detector.heartbeat(node: "A", atNs: now)
            detector.heartbeat(node: "B", atNs: now)
            let report = detector.evaluate(nowNs: now)
            if let hang = report.raised.first {
                #expect(hang.incidentClass == .nonCommunicationHang && hang.suspects == [.init(node: "B", rank: 2)])
                #expect(now - stoppedAt <= 3 * Self.second, "raised \(Double(now - stoppedAt) / 1e9) s after the stop")
                return
            }
        }
        Issue.record("the stopped rank was not found hung within 4 s")
    }

    /// Rank `r` on host `host(r)` (A, A, B, B unless told).
    static func feed(_ shape: Shape, to detector: inout Detector, atNs: UInt64,
                     host: (Int) -> String = { $0 < 2 ? "A" : "B" }) {
        for (rank, profile) in shape {
            let waits = WaitProfile(spanNs: second, blockedNs: UInt64((1 - profile.computing) * Double(second)),
                                    peers: profile.waits.map { .init(peer: $0.key, ns: UInt64($0.value * Double(second))) },
                                    longestWaitNs: 30_000_000)
            detector.observe(snapshot(rank, waits: waits), node: host(rank), atNs: atNs)
        }
        for node in Set(shape.keys.map(host)) { detector.heartbeat(node: node, atNs: atNs) }
    }

    /// A rank of a job whose one communicator (a grid, id 7) sees an allreduce a second.
    static func snapshot(_ rank: Int, status: RankStatus = .running, blocked: BlockedCall? = nil,
                         waits: WaitProfile, allreduces: UInt64 = 1) -> RankSnapshot {
        RankSnapshot(identity: RankIdentity(job: "p2p", rank: rank, worldSize: 4, pid: Int32(200 + rank), host: rank < 2 ? "A" : "B"),
                     status: status, exitStatus: nil, counters: RingCounters(consumed: 1), blocked: blocked,
                     progress: [.init(communicator: 7, size: 4, lastSeqEntered: allreduces, lastSeqLeft: allreduces)],
                     waits: waits)
    }
}
