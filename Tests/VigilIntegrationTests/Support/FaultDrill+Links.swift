import Foundation
import Testing
import VigilCore

/// The data-link drills, shared by every workload: rank r runs on host
/// node(r+1), and host k's data link is the one cut or slowed.
extension FaultDrill {
    /// The slow-link drill's baseline, set before the job starts: every
    /// data link at 100 Mbit/s, so that the cut to 25 is one of bandwidth.
    static func limitEveryLink() throws {
        for k in 1...4 { try limitLink(k, to: "100mbit") }
    }

    /// Host `k`'s data link cut to a quarter (VIGIL_SLOW_LINK_RATE, say
    /// 5mbit, for a crawl): communication slow, placed on host `k` once the
    /// probes have run, one incident in all.
    func expectSlowLink(_ k: Int) async throws {
        let injected = wallClockNanoseconds()
        try Self.limitLink(k, to: ProcessInfo.processInfo.environment["VIGIL_SLOW_LINK_RATE"] ?? "25mbit")
        let (incident, seconds) = try #require(await firstIncident(sinceNs: injected))
        #expect(incident.incidentClass == .communicationSlow, "\(incident.headline): \(incident.evidence.summary)")
        let placed = await eventually(timeout: .seconds(30), every: .milliseconds(250)) {
            (try? await incidents())?.first?.suspects == [.init(node: "node\(k)")]
        }
        let all = try await incidents()
        print("fault drill \(job), after the probes: \(all.map { "\($0.headline): \($0.evidence.summary)" })")
        #expect(placed, "placed on node\(k) by the link probes")
        #expect(all.count == 1, "\(all.map(\.headline))")
        #expect(seconds <= 30, "detected \(seconds) s after the rate limit (goal 30 s)")
    }

    /// Host `k`'s data link down while its agent still reports: the ranks
    /// hang in communication, on that host's link; the node is not down.
    func expectCutLink(_ k: Int) async throws {
        let injected = wallClockNanoseconds()
        try Self.shell("ip link set \(Self.dataVeth(k)) down")
        let (incident, seconds) = try #require(await firstIncident(sinceNs: injected))
        #expect(incident.incidentClass == .communicationHang, "\(incident.headline): \(incident.evidence.summary)")
        let placed = await eventually(timeout: .seconds(10), every: .milliseconds(250)) {
            (try? await incidents())?.first?.suspects == [.init(node: "node\(k)")]
        }
        let all = try await incidents()
        #expect(placed, "placed on node\(k): \(all.map { "\($0.headline): \($0.evidence.summary)" })")
        #expect(seconds <= 6, "detected \(seconds) s after the link went down (goal 6 s)")
        #expect(!all.contains { $0.incidentClass == .nodeDown }, "the node is still heard: \(all.map(\.headline))")
    }
}
