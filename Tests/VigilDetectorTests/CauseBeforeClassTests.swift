import Testing
import VigilCore
@testable import VigilDetector

/// A slowdown is the network's only when the members' own CPUs do not
/// explain it; and a slowdown that comes and goes is one incident.
struct CauseBeforeClassTests {
    static let second: UInt64 = 1_000_000_000
    static let faultAfter: UInt64 = 30_300_000_000

    /// Every second: the job's reports (as `adjust` leaves them), node
    /// health as `health` says, an evaluation; links probed when the
    /// detector wants them, each pair at the rate `link` gives (nil: no
    /// answer, as where probes cannot run). Every incident raised, as last
    /// updated, and every one resolved.
    static func run(_ job: SyntheticJob, seconds: UInt64 = 50,
                    health: (String, UInt64) -> CPUPressure = { _, _ in CPUPressure(cores: 8, runQueue: 4, stallPermille: 50) },
                    link: ((String, String) -> UInt64)? = { _, _ in 1_000_000_000 },
                    adjust: (inout RankSnapshot, UInt64) -> Void = { _, _ in },
                    feeding: (UInt64) -> SyntheticJob? = { _ in nil }) -> (raised: [Incident], resolved: [Incident]) {
        var detector = Detector()
        var raised: [Incident] = [], resolved: [Incident] = []
        var probesWanted = false
        for tick in 1...seconds {
            let now = job.startNs + tick * Self.second
            if probesWanted, let link { Self.probe(job, link: link, atNs: now).forEach { detector.observe($0) } }
            let source = feeding(tick) ?? job
            let (snapshots, heartbeats) = source.observe(atNs: now)
            for (snapshot, node) in snapshots {
                var snapshot = snapshot
                adjust(&snapshot, tick)
                detector.observe(snapshot, node: node, atNs: now)
            }
            for node in heartbeats {
                detector.received(batchFrom: node, atNs: now)
                detector.observe(NodeHealth(wallNs: now, cpuBusyPermille: 500, memoryTotalBytes: 1, memoryAvailableBytes: 1,
                                            load1Centi: 100, diskFreeBytes: 1, cpu: health(node, tick)), node: node, atNs: now)
            }
            source.instances(afterNs: now - Self.second, throughNs: now).forEach { detector.observe($0) }
            let report = detector.evaluate(nowNs: now)
            probesWanted = report.probesWanted[job.job] != nil
            raised += report.raised
            resolved += report.resolved
            for update in report.updated { raised = raised.map { $0.key == update.key ? update : $0 } }
        }
        return (raised, resolved)
    }

    /// Every pair of the job's nodes, 1 MiB at `link(a, b)` bytes a second.
    static func probe(_ job: SyntheticJob, link: (String, String) -> UInt64, atNs: UInt64) -> [LinkProbe] {
        let nodes = job.nodes
        return nodes.indices.flatMap { i in
            nodes[(i + 1)...].map { other in
                LinkProbe(job: job.job, from: nodes[i], to: other, rttNs: 50_000, bytes: 1 << 20,
                          transferNs: (1 << 20) * 1_000_000_000 / link(nodes[i], other), atNs: atNs)
            }
        }
    }

    static func slowLink(ranksPerNode: Int) -> SyntheticJob {
        SyntheticJob(ranks: 64, ranksPerNode: ranksPerNode, stepNs: 100_000_000, fault: .slowLink(node: 0, factor: 4),
                     faultAfterNs: faultAfter)
    }

    @Test func aCommunicatorOnOneHostIsNeverTheNetwork() {
        let (raised, _) = Self.run(Self.slowLink(ranksPerNode: 64))
        #expect(raised.isEmpty, "\(raised.map(\.headline))")
    }

    /// node0 newly contended while its collectives slow down: once probes
    /// find its links as fast as any, the CPU is to blame.
    static func contendedNode0(_ node: String, _ tick: UInt64) -> CPUPressure {
        CPUPressure(cores: 8, runQueue: node == "node0" && tick >= 30 ? 30 : 6, stallPermille: node == "node0" && tick >= 30 ? 700 : 60)
    }

    @Test func slowCollectivesOnNewlyContendedNodesAreCPUContention() throws {
        let (raised, _) = Self.run(Self.slowLink(ranksPerNode: 8), health: Self.contendedNode0)
        #expect(raised.map(\.incidentClass) == [.cpuContention], "\(raised.map(\.headline))")
        let incident = try #require(raised.first)
        #expect(incident.suspects == [.init(node: "node0")])
        #expect(incident.evidence.summary.contains("run queue 30 on 8 cores"), "\(incident.evidence.summary)")
    }

    /// Ranks spinning in collectives over a slow link contend for the CPU
    /// themselves: the probes find the link, and the link is the incident.
    @Test func aContendedNodeWithASlowLinkIsTheLink() throws {
        let (raised, _) = Self.run(Self.slowLink(ranksPerNode: 8), health: Self.contendedNode0,
                                   link: { a, b in a == "node0" || b == "node0" ? 100_000_000 : 1_000_000_000 })
        #expect(raised.map(\.incidentClass) == [.communicationSlow], "\(raised.map(\.headline))")
        #expect(raised.first?.suspects == [.init(node: "node0")], "\(raised.first?.evidence.summary ?? "")")
    }

    /// One slow cable between two members, every other pair fine: that pair's ends.
    @Test func aSlowPairBetweenTwoMembersIsTheirs() throws {
        let (raised, _) = Self.run(Self.slowLink(ranksPerNode: 8),
                                   link: { a, b in Set([a, b]) == ["node0", "node1"] ? 100_000_000 : 1_000_000_000 })
        #expect(raised.map(\.incidentClass) == [.communicationSlow], "\(raised.map(\.headline))")
        #expect(raised.first?.suspects == [.init(node: "node0"), .init(node: "node1")], "\(raised.first?.evidence.summary ?? "")")
    }

    /// node0's link slow, its pair with node3 measured fast by chance (the
    /// every-pair rule misses it): node0 ends the most slow pairs, named alone.
    @Test func aSlowNodeWithOneFastPairIsNamedAlone() throws {
        let (raised, _) = Self.run(Self.slowLink(ranksPerNode: 8), link: { a, b in
            Set([a, b]).contains("node0") && !Set([a, b]).contains("node3") ? 100_000_000 : 1_000_000_000
        })
        #expect(raised.map(\.incidentClass) == [.communicationSlow], "\(raised.map(\.headline))")
        #expect(raised.first?.suspects == [.init(node: "node0")], "\(raised.first?.evidence.summary ?? "")")
    }

    /// Where links cannot be probed, the CPU numbers decide, later.
    @Test func withoutProbesContentionIsNamedAfterTheWait() throws {
        let (raised, _) = Self.run(Self.slowLink(ranksPerNode: 8), seconds: 70, health: Self.contendedNode0, link: nil)
        #expect(raised.map(\.incidentClass) == [.cpuContention], "\(raised.map(\.headline))")
        let waited = Double(Int64(raised.first?.detectedNs ?? 0) - Int64(Self.faultAfter + Self.slowLink(ranksPerNode: 8).startNs)) / 1e9
        #expect(waited >= Double(DetectorConfiguration().probeWaitNs) / 1e9, "named \(waited) s after the fault")
    }

    /// Oversubscribed from the start is the node's normal, not contention.
    @Test func contentionFromTheStartIsNormal() {
        let job = SyntheticJob(ranks: 64, ranksPerNode: 8, stepNs: 100_000_000)
        let (raised, _) = Self.run(job) { _, _ in CPUPressure(cores: 2, runQueue: 9, stallPermille: 900) }
        #expect(raised.isEmpty, "\(raised.map(\.headline))")
    }

    @Test func aThrottledMemberIsAStragglerByItsOwnCPU() throws {
        let (raised, _) = Self.run(Self.slowLink(ranksPerNode: 8), adjust: { snapshot, tick in
            // rank 5's cgroup throttled 700 ms of every second from the fault on
            snapshot.cpuThrottledNs = snapshot.identity.rank == 5 ? UInt64(max(0, Int(tick) - 30)) * 700_000_000 : 0
        })
        #expect(raised.map(\.incidentClass) == [.straggler], "\(raised.map(\.headline))")
        #expect(raised.first?.suspects == [.init(node: "node0", rank: 5)])
        #expect(raised.first?.evidence.summary.contains("throttled") == true)
    }

    /// On shared cores a throttled rank is slow inside its collectives too:
    /// little of its lag shows as compute (here 9% of the step, under the
    /// 20% a straggler needs), but its cgroup says why: a straggler.
    @Test func aThrottledLeaderIsAStragglerThoughItsLagIsSmall() throws {
        let mild = SyntheticJob(ranks: 64, ranksPerNode: 8, stepNs: 100_000_000, fault: .straggler(rank: 21, factor: 1.1),
                                faultAfterNs: Self.faultAfter)
        #expect(Self.run(mild).raised.isEmpty, "without throttling, a 9% lag is no straggler")
        let (raised, _) = Self.run(mild, adjust: { snapshot, tick in
            snapshot.cpuThrottledNs = snapshot.identity.rank == 21 ? UInt64(max(0, Int(tick) - 30)) * 300_000_000 : 0
        })
        #expect(raised.map(\.incidentClass) == [.straggler], "\(raised.map(\.headline))")
        #expect(raised.first?.suspects == [.init(node: "node2", rank: 21)])
        #expect(raised.first?.evidence.summary.contains("throttled") == true, "\(raised.first?.evidence.summary ?? "")")
    }

    /// A straggler for 10 s, gone for 10 s, again and again (at 10 steps a
    /// second: the 5 s on, 5 s off of the bench, at its 60 steps a second): one incident,
    /// never resolved in between, its returns counted.
    @Test func anIntermittentStragglerIsOneIncident() throws {
        let slow = SyntheticJob(ranks: 64, ranksPerNode: 8, stepNs: 100_000_000, fault: .straggler(rank: 21, factor: 1.5),
                                faultAfterNs: 0)
        let healthy = SyntheticJob(ranks: 64, ranksPerNode: 8, stepNs: 100_000_000)
        let phase: (UInt64) -> SyntheticJob? = { tick in tick >= 30 && (tick / 10) % 2 == 1 ? slow : nil }
        let (raised, resolved) = Self.run(healthy, seconds: 110, feeding: phase)
        #expect(raised.count == 1 && resolved.isEmpty, "raised \(raised.map(\.headline)), resolved \(resolved.map(\.headline))")
        #expect(raised.first?.suspects == [.init(node: "node2", rank: 21)])
        #expect((raised.first?.evidence.occurrences ?? 0) >= 3, "occurrences \(raised.first?.evidence.occurrences ?? 0)")
    }

    @Test func pressureReadsThePSIStallElseTheRunQueue() {
        #expect(NodeLoad.pressure(of: CPUPressure(cores: 4, runQueue: 12, stallPermille: 300)) == 300)
        #expect(NodeLoad.pressure(of: CPUPressure(cores: 4, runQueue: 6, stallPermille: -1)) == 500)
        #expect(NodeLoad.pressure(of: CPUPressure(cores: 4, runQueue: 2, stealPermille: 400, stallPermille: 10)) == 400)
    }
}

extension CauseBeforeClassTests {
    /// The mesh's data-parallel allreduce and a tensor-parallel pair both
    /// cross node3's slow link: one incident, and the one open stays so.
    @Test func aLinkCrossedByTwoCommunicatorsIsOneIncident() {
        let dp = Incident(job: "j", incidentClass: .communicationSlow, suspects: [.init(node: "node3")], confidence: 1,
                          evidence: .init(summary: "dp", communicator: 1), firstSeenNs: 1, detectedNs: 2)
        var tp = dp
        tp.evidence.communicator = 2
        var elsewhere = dp
        (elsewhere.evidence.communicator, elsewhere.suspects) = (3, [.init(node: "node1")])
        #expect(IncidentBook.oneIncidentPerLink([dp, tp, elsewhere], open: [:]).map(\.evidence.communicator) == [1, 3])
        #expect(IncidentBook.oneIncidentPerLink([dp, tp], open: [tp.identity: tp]).map(\.evidence.communicator) == [2])
    }
}
