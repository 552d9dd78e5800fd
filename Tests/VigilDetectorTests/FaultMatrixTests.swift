import Testing
import VigilCore
import VigilDetector

/// The detector against a deterministic 64-rank job (8 nodes of 8), one
/// fault at a time, evaluated every second as the server would: the right
/// class and culprit, nothing else raised, within the goal.
struct FaultMatrixTests {
    static let second: UInt64 = 1_000_000_000

    /// Faults that stop the job strike 5.3 s in; slowing faults at 30.3 s,
    /// once the job's normal (collective costs, link rates) is learned.
    static func faultAfter(_ fault: SyntheticJob.Fault?) -> UInt64 {
        switch fault {
        case .straggler, .slowLink: 30_300_000_000
        default: 5_300_000_000
        }
    }

    static func job(_ fault: SyntheticJob.Fault?) -> SyntheticJob {
        SyntheticJob(ranks: 64, ranksPerNode: 8, stepNs: 100_000_000, fault: fault, faultAfterNs: faultAfter(fault))
    }

    /// Run the job through a detector until `seconds` after the fault: every
    /// incident raised, as last updated. Unplaced slow communication, or a
    /// detector asking, gets a round of link probes two seconds later, as
    /// the server arranges.
    static func run(_ fault: SyntheticJob.Fault?, seconds: UInt64 = 20) -> [Incident] {
        let job = job(fault)
        var detector = Detector()
        var raised: [Incident] = []
        var probeAt: UInt64?
        for second in 1...(faultAfter(fault) / Self.second + seconds) {
            let now = job.startNs + second * Self.second
            job.feed(&detector, afterNs: now - Self.second, atNs: now)
            if probeAt == now { job.probes(atNs: now).forEach { detector.observe($0) } }
            let report = detector.evaluate(nowNs: now)
            let unplaced = report.open.contains { $0.incidentClass == .communicationSlow && $0.suspects.count > 1 }
            if probeAt == nil, unplaced || !report.probesWanted.isEmpty {
                probeAt = now + 2 * Self.second
            }
            raised += report.raised
            for update in report.updated { raised = raised.map { $0.key == update.key ? update : $0 } }
        }
        return raised
    }

    @Test(arguments: [
        (SyntheticJob.Fault.hang(rank: 13), Incident.Class.nonCommunicationHang, [Incident.Suspect(node: "node1", rank: 13)], 5.0),
        (.hang(rank: 63), .nonCommunicationHang, [Incident.Suspect(node: "node7", rank: 63)], 5.0),
        (.crash(rank: 0), .rankCrash, [Incident.Suspect(node: "node0", rank: 0)], 3.0),
        (.crash(rank: 42), .rankCrash, [Incident.Suspect(node: "node5", rank: 42)], 3.0),
        (.nodeDown(node: 3), .nodeDown, [Incident.Suspect(node: "node3")], 3.0),
        (.communicationHang, .communicationHang, (0..<8).map { Incident.Suspect(node: "node\($0)") }, 5.0),
        (.straggler(rank: 21, factor: 1.5), .straggler, [Incident.Suspect(node: "node2", rank: 21)], 30.0),
        (.straggler(rank: 0, factor: 1.5), .straggler, [Incident.Suspect(node: "node0", rank: 0)], 30.0),
        (.slowLink(node: 6, factor: 4), .communicationSlow, [Incident.Suspect(node: "node6")], 30.0),
    ])
    func findsTheCulpritAndNothingElse(fault: SyntheticJob.Fault, expected: Incident.Class, culprits: [Incident.Suspect],
                                       goalSeconds: Double) {
        let raised = Self.run(fault)
        #expect(raised.count == 1, "precision: one incident, got \(raised.map(\.key))")
        guard let incident = raised.first else { return }
        #expect(incident.incidentClass == expected)
        #expect(incident.suspects == culprits, "\(incident.evidence.summary)")
        let latency = Double(incident.detectedNs - Self.job(fault).faultAtNs) / 1e9
        #expect(latency <= goalSeconds, "detected \(latency) s after the fault (goal \(goalSeconds) s)")
        #expect(!incident.evidence.summary.isEmpty)
    }

    @Test func aHangNamesTheInstanceAndTheWait() throws {
        let incident = try #require(Self.run(.hang(rank: 13)).first)
        #expect(incident.evidence.communicator == 1 && incident.evidence.seq == 54)
        #expect(incident.evidence.summary.hasPrefix("63 of 64 ranks wait in allreduce #54"))
        #expect(incident.confidence > 0.95)
        #expect((incident.evidence.observedNs ?? 0) > (incident.evidence.expectedNs ?? .max))
    }

    @Test func aStragglerIsNamedWithTheWaitItCauses() throws {
        let incident = try #require(Self.run(.straggler(rank: 21, factor: 1.5)).first)
        #expect(incident.evidence.summary.hasPrefix("rank 21 computed longest before"), "\(incident.evidence.summary)")
        #expect(incident.confidence >= 0.6)
        // 1.5 × 90 ms of compute: the others wait about 45 ms for it.
        let lag = Double(incident.evidence.observedNs ?? 0) / 1e6
        #expect(lag > 40 && lag < 50, "lag \(lag) ms")
    }

    @Test func aSlowLinkShowsInTheCollectiveAndInTheProbes() throws {
        let incident = try #require(Self.run(.slowLink(node: 6, factor: 4)).first)
        #expect(incident.evidence.summary.contains("4.0× its normal"), "\(incident.evidence.summary)")
        #expect(incident.evidence.summary.contains("node0↔node6 26 MB/s (median 105 MB/s)"), "\(incident.evidence.summary)")
        #expect(incident.confidence == 1)
    }

    /// A link so slow (180×) that fewer collectives end in a window than the
    /// window needs, each ending before it would count as hung: still found,
    /// and placed, within the goal.
    @Test func aCrawlingLinkIsFoundThoughFewCollectivesEndInAWindow() throws {
        let raised = Self.run(.slowLink(node: 6, factor: 180), seconds: 35)
        #expect(raised.count == 1, "precision: one incident, got \(raised.map(\.key))")
        let incident = try #require(raised.first)
        #expect(incident.incidentClass == .communicationSlow && incident.suspects == [.init(node: "node6")],
                "\(incident.headline): \(incident.evidence.summary)")
        #expect(incident.evidence.summary.contains("node0↔node6 0.58 MB/s (median 105 MB/s)"), "\(incident.evidence.summary)")
        let latency = Double(incident.detectedNs - Self.job(.slowLink(node: 6, factor: 180)).faultAtNs) / 1e9
        #expect(latency <= 30, "detected \(latency) s after the fault (goal 30 s)")
    }

    /// A probe round under way when the link slowed measured some of the
    /// slow node's pairs before (fast) and one after (slow): on its own that
    /// names both ends of the slow pair. Only pairs measured since the
    /// slowness began count, and only a whole round of them places it: the
    /// fresh round names node6 alone, from the first report on.
    @Test func aProbeRoundStraddlingTheOnsetDoesNotPlaceTheSlownessOnTwoNodes() throws {
        let fault = SyntheticJob.Fault.slowLink(node: 6, factor: 4)
        let job = Self.job(fault)
        let lastPair: (LinkProbe) -> Bool = { Set([$0.from, $0.to]) == ["node6", "node7"] }
        var detector = Detector()
        var reported: [Incident] = []
        var probeAt: UInt64?
        for second in 1...(Self.faultAfter(fault) / Self.second + 30) {
            let now = job.startNs + second * Self.second
            job.feed(&detector, afterNs: now - Self.second, atNs: now)
            if now - Self.second < job.faultAtNs, now >= job.faultAtNs {   // the straddling round
                job.probes(atNs: job.faultAtNs - Self.second / 2).filter { !lastPair($0) }.forEach { detector.observe($0) }
                job.probes(atNs: now).filter(lastPair).forEach { detector.observe($0) }
            }
            if probeAt == now { job.probes(atNs: now).forEach { detector.observe($0) } }
            let report = detector.evaluate(nowNs: now)
            if probeAt == nil, !report.probesWanted.isEmpty { probeAt = now + 2 * Self.second }
            reported += report.raised + report.updated
        }
        let slow = reported.filter { $0.incidentClass == .communicationSlow }
        #expect(!slow.isEmpty, "the slow link was found")
        #expect(slow.allSatisfy { $0.suspects == [.init(node: "node6")] },
                "\(slow.map { "\($0.suspects.map(\.node)): \($0.evidence.summary)" })")
        #expect(reported.allSatisfy { $0.incidentClass == .communicationSlow }, "\(reported.map(\.headline))")
    }

    @Test func tenHealthyMinutesRaiseNothing() {
        #expect(Self.run(nil, seconds: 595).isEmpty)
    }

    /// A standing fault stays one incident; when the cause is gone it is resolved.
    @Test func incidentsAreUpdatedThenResolved() {
        var detector = Detector()
        let faulty = Self.job(.hang(rank: 13))
        let healthy = SyntheticJob(ranks: 64, ranksPerNode: 8, stepNs: 100_000_000)
        var resolved: [Incident] = []
        var open: [Incident] = []
        for second in 1...UInt64(15) {
            let now = faulty.startNs + second * Self.second
            (second <= 10 ? faulty : healthy).feed(&detector, afterNs: now - Self.second, atNs: now)   // SIGCONT at 10 s
            let report = detector.evaluate(nowNs: now)
            resolved += report.resolved
            if second == 10 { open = report.open }
        }
        #expect(open.count == 1 && open.first?.incidentClass == .nonCommunicationHang)
        #expect(resolved.count == 1 && resolved.first?.resolvedNs == faulty.startNs + 11 * Self.second)
    }
}
