import Testing
import VigilCore
@testable import VigilDetector

/// Many nodes lost together are one incident saying what they share, not
/// one per node; unrelated losses still name each node.
struct CorrelatedFailureTests {
    static let second: UInt64 = 1_000_000_000

    /// The job healthy for 10 s, then the nodes `lost(second)` says go
    /// silent; every incident raised, and those open at the end.
    static func run(nodes: Int, seconds: UInt64 = 20, address: (Int) -> String? = { _ in nil },
                    lost: (UInt64) -> Set<String>) -> (raised: [Incident], open: [Incident]) {
        let job = SyntheticJob(ranks: nodes, ranksPerNode: 1, stepNs: 100_000_000)
        var detector = Detector()
        for k in 0..<nodes { if let address = address(k) { detector.observe(node: "node\(k)", managementAddress: address) } }
        var raised: [Incident] = []
        var open: [Incident] = []
        for tick in 1...(seconds * 2) {
            let now = job.startNs + tick * Self.second / 2
            let silent = lost(tick / 2)
            let (snapshots, heartbeats) = job.observe(atNs: now)
            for (snapshot, node) in snapshots where !silent.contains(node) { detector.observe(snapshot, node: node, atNs: now) }
            for node in heartbeats where !silent.contains(node) { detector.received(batchFrom: node, atNs: now) }
            let report = detector.evaluate(nowNs: now)
            raised += report.raised
            open = report.open
        }
        return (raised, open)
    }

    @Test func aThousandNodesLostAtOnceAreOneIncident() throws {
        let all = Set((0..<1_024).map { "node\($0)" })
        let (raised, open) = Self.run(nodes: 1_024) { $0 >= 10 ? all : [] }
        #expect(raised.count == 1, "\(raised.map(\.headline).prefix(3))")
        let incident = try #require(open.first)
        #expect(open.count == 1 && incident.incidentClass == .nodeDown && incident.suspects.count == 1_024)
        #expect(incident.evidence.summary.contains("1024 nodes lost within"), "\(incident.evidence.summary)")
        #expect(incident.evidence.summary.contains("every node the server hears"))
    }

    /// One node goes a second before many more: still one incident, grown.
    @Test func aNodeLostJustBeforeManyIsTheSameEvent() throws {
        let (raised, open) = Self.run(nodes: 64) { s in
            s >= 11 ? Set((0..<40).map { "node\($0)" }) : s >= 10 ? ["node0"] : []
        }
        #expect(raised.count == 1 && open.count == 1, "\(raised.map(\.headline))")
        #expect(open.first?.suspects.count == 40)
        #expect(open.first?.evidence.summary.contains("40 of the job's 64 nodes") == true, "\(open.first?.evidence.summary ?? "")")
    }

    /// 64 nodes on four /24s; the third one's 16 go at once: its switch.
    @Test func aSubnetLostAtOnceIsNamed() throws {
        let third = Set((32..<48).map { "node\($0)" })
        let (raised, open) = Self.run(nodes: 64, address: { "10.0.\($0 / 16).\(10 + $0 % 16)" }) { $0 >= 10 ? third : [] }
        #expect(raised.count == 1 && open.first?.suspects.count == 16, "\(raised.map(\.headline))")
        #expect(open.first?.evidence.summary.contains("every node of 10.0.2.0/24 the server hears") == true,
                "\(open.first?.evidence.summary ?? "")")
    }

    @Test func oneNodeLostIsNamedAlone() throws {
        let (raised, open) = Self.run(nodes: 16) { $0 >= 10 ? ["node5"] : [] }
        #expect(raised.count == 1 && open.map(\.suspects) == [[.init(node: "node5")]])
        #expect(open.first?.evidence.summary.hasPrefix("no heartbeat from node5") == true)
    }
}
