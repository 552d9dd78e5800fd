import Foundation
import Testing
import VigilCore
#if canImport(Glibc)
import Glibc
#endif

/// Real faults, injected from outside a real job on the namespace bench:
/// the detector names the class and the culprit within the goal, and
/// nothing else. The healthy seconds before each fault raise nothing.
@Suite(.serialized)
struct FaultInjectionTests {
    @Test func aStoppedRankIsAHangOnThatRank() async throws {
        try await withScope("fault-hang") { scope in
            let drill = try await FaultDrill.start(scope, job: "hang")
            let seconds = try await drill.expectHang(stopping: 2)
            // The fault lasts 6 s in all, so that the replay, evaluating on
            // its own half-second grid, also sees it past the threshold.
            let until = ContinuousClock.now + .seconds(max(0, 6 - seconds))
            _ = await eventually(timeout: .seconds(7), every: .milliseconds(100)) { ContinuousClock.now >= until }
            try drill.signal(rank: 2, SIGCONT)
            let resolved = await eventually(timeout: .seconds(10), every: .milliseconds(100)) {
                (try? await drill.incidents())?.first?.resolvedNs != nil
            }
            #expect(resolved, "SIGCONT resolves it")
            let all = try await drill.incidents()
            #expect(all.count == 1, "\(all.map(\.headline))")

            // Stopped, the server has flushed its capture: it replays to the same finding.
            await drill.stage.server.stop()
            let replay = try runTool(Paths.vigil, ["replay", drill.capture, "--json"])
            let replayed = try JSONDecoder().decode([Incident].self, from: Data(replay.output.utf8))
            #expect(replayed.map(\.key) == all.map(\.key), "\(replay.output)")
        }
    }

    @Test func aKilledRankIsACrashOfThatRankNotOfItsTornDownPeers() async throws {
        try await withScope("fault-crash") { scope in
            let drill = try await FaultDrill.start(scope, job: "crash")
            let injected = wallClockNanoseconds()
            try drill.signal(rank: 1, SIGKILL)
            let (incident, seconds) = try #require(await drill.firstIncident(sinceNs: injected))
            #expect(incident.incidentClass == .rankCrash, "\(incident.headline): \(incident.evidence.summary)")
            #expect(incident.suspects == [.init(node: drill.ranks[1]!.node, rank: 1)], "\(incident.evidence.summary)")
            #expect(seconds <= 3, "detected \(seconds) s after SIGKILL (goal 3 s)")
            let table = try await drill.stage.server.cli(["incidents", "--job", "crash"])
            #expect(table.out.contains("rank-crash") && table.out.contains("\(drill.ranks[1]!.node) rank 1"), "\(table.out)")
        }
    }

    @Test func aNodeWhoseAgentAndRanksDieIsDown() async throws {
        try await withScope("fault-node") { scope in
            let drill = try await FaultDrill.start(scope, job: "node")
            let injected = wallClockNanoseconds()
            try FaultDrill.shell("kill -KILL $(ip netns pids \(ClusterBench.name)-node4)")
            let (incident, seconds) = try #require(await drill.firstIncident(sinceNs: injected))
            #expect(incident.incidentClass == .nodeDown, "\(incident.headline): \(incident.evidence.summary)")
            #expect(incident.suspects == [.init(node: "node4")])
            #expect(seconds <= 3, "detected \(seconds) s after the kill (goal 3 s)")
        }
    }

    /// A host's management link down: the server hears nothing from it
    /// (a node down) while its rank trains on over the data network.
    @Test func aManagementLinkDownIsNodeDown() async throws {
        try await withScope("fault-mgmt-down") { scope in
            let drill = try await FaultDrill.start(scope, job: "mgmtdown")
            let injected = wallClockNanoseconds()
            try FaultDrill.shell("ip link set \(FaultDrill.veth(3)) down")
            let (incident, seconds) = try #require(await drill.firstIncident(sinceNs: injected))
            #expect(incident.incidentClass == .nodeDown, "\(incident.headline): \(incident.evidence.summary)")
            #expect(incident.suspects == [.init(node: "node3")], "\(incident.evidence.summary)")
            #expect(seconds <= 5, "detected \(seconds) s after the link went down (goal 5 s)")
        }
    }

    /// A host's data link down while its agent still reports: the ranks
    /// hang in communication, on that host's link; the node is not down.
    @Test func aDataLinkDownIsACommunicationHangOnThatHost() async throws {
        try await withScope("fault-data-down") { scope in
            let drill = try await FaultDrill.start(scope, job: "datadown")
            try await drill.expectCutLink(3)
        }
    }

    @Test func aRankUnderACPUQuotaIsAStraggler() async throws {
        try await withScope("fault-straggler") { scope in
            let drill = try await FaultDrill.start(scope, job: "straggler")
            try await drill.expectStraggler(quotaOn: 3, scope: scope)
        }
    }

    /// Every host's link runs at 100 Mbit/s; one drops to a quarter of that.
    @Test func aRateLimitedLinkIsCommunicationSlowOnThatHost() async throws {
        try await withScope("fault-slow-link") { scope in
            // 1 MiB allreduced a step: bandwidth-bound at 100 Mbit/s.
            let train = ["--steps", "100000000", "--params", "131072", "--samples", "16", "--batch", "16",
                         "--compute-us", "3000", "--p2p", "--log-every", "100000000"]
            let drill = try await FaultDrill.start(scope, job: "slowlink", train: train, steady: .seconds(10),
                                                   before: FaultDrill.limitEveryLink)
            try await drill.expectSlowLink(3)
        }
    }
}
