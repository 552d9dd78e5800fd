import Testing
import VigilCore
import VigilDetector

/// The detector against a deterministic 64-rank job (8 nodes of 8), one
/// fault at a time, evaluated every second as the server would: the right
/// class and culprit, nothing else raised, within the goal.
struct FaultMatrixTests {
    static let job = SyntheticJob(ranks: 64, ranksPerNode: 8, stepNs: 100_000_000)
    static let second: UInt64 = 1_000_000_000

    /// Run `seconds` of the job through a detector; every incident raised, with when.
    static func run(_ fault: SyntheticJob.Fault?, at faultAfter: UInt64 = 5_300_000_000, seconds: Int = 20,
                    every interval: UInt64 = second) -> [Incident] {
        var detector = Detector()
        var raised: [Incident] = []
        let faultAt = job.startNs + faultAfter
        var now = job.startNs + interval
        while now <= job.startNs + UInt64(seconds) * second {
            let (snapshots, heartbeats) = job.observe(atNs: now, fault: fault, faultAtNs: faultAt)
            for (snapshot, node) in snapshots { detector.observe(snapshot, node: node, atNs: now) }
            for node in heartbeats { detector.heartbeat(node: node, atNs: now) }
            raised += detector.evaluate(nowNs: now).raised
            now += interval
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
    ])
    func findsTheCulpritAndNothingElse(fault: SyntheticJob.Fault, expected: Incident.Class, culprits: [Incident.Suspect],
                                       goalSeconds: Double) {
        let raised = Self.run(fault)
        #expect(raised.count == 1, "precision: one incident, got \(raised.map(\.key))")
        guard let incident = raised.first else { return }
        #expect(incident.incidentClass == expected)
        #expect(incident.suspects == culprits)
        let latency = Double(incident.detectedNs - (Self.job.startNs + 5_300_000_000)) / 1e9
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

    @Test func tenHealthyMinutesRaiseNothing() {
        #expect(Self.run(nil, seconds: 600).isEmpty)
    }

    /// A standing fault stays one incident; when the cause is gone it is resolved.
    @Test func incidentsAreUpdatedThenResolved() {
        var detector = Detector()
        let job = Self.job
        let faultAt = job.startNs + 5_300_000_000
        var resolved: [Incident] = []
        var open: [Incident] = []
        for second in 1...15 {
            let now = job.startNs + UInt64(second) * Self.second
            let fault: SyntheticJob.Fault? = second <= 10 ? .hang(rank: 13) : nil   // SIGCONT at 10 s
            let (snapshots, heartbeats) = job.observe(atNs: now, fault: fault, faultAtNs: faultAt)
            for (snapshot, node) in snapshots { detector.observe(snapshot, node: node, atNs: now) }
            for node in heartbeats { detector.heartbeat(node: node, atNs: now) }
            let report = detector.evaluate(nowNs: now)
            resolved += report.resolved
            if second == 10 { open = report.open }
        }
        #expect(open.count == 1 && open.first?.incidentClass == .nonCommunicationHang)
        #expect(resolved.count == 1 && resolved.first?.resolvedNs == job.startNs + 11 * Self.second)
    }
}
