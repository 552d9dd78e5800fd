import Foundation
import Testing
import VigilCore
import VigilRecovery

struct ExportRecordTests {
    static let s: UInt64 = 1_000_000_000
    static let day = 1_796_342_400 * s  // 2026-12-04T00:00:00Z

    static func incident(at: UInt64) -> StoredIncident {
        StoredIncident(id: 7, incident: Incident(job: "train", incidentClass: .rankCrash, suspects: [.init(node: "n3", rank: 5)],
                                                 confidence: 0.9, evidence: .init(summary: "rank 5 died, \"signal 9\""),
                                                 firstSeenNs: at - s, detectedNs: at))
    }

    @Test func rowsSinceATimeOldestFirstThenEachJobsStats() throws {
        let checkpoint = StoredCheckpoint(job: "train", step: 40, worldSize: 8, startedNs: Self.day + 20 * Self.s, levels: [
            .init(level: .local, state: .complete, durableShards: 8, bytes: 1, slowestNs: 1, blockedNs: 0, completedNs: nil, failure: nil)])
        let old = StoredCheckpoint(job: "train", step: 20, worldSize: 8, startedNs: Self.day - 1, levels: [])
        let goodput = Goodput(job: "train", startedNs: 0, endNs: 100 * Self.s, productiveNs: 95 * Self.s,
                              lostNs: [.detection: 2 * Self.s, .relaunch: 3 * Self.s], restarts: 1, stepsRolledBack: 20)
        let records = ExportRecord.collect(incidents: [Self.incident(at: Self.day + 60 * Self.s)], actions: [],
                                           checkpoints: [checkpoint, old], goodput: [goodput], sinceNs: Self.day,
                                           nowNs: Self.day + 90 * Self.s)
        #expect(records.map(\.kind) == ["checkpoint", "incident", "stats"], "the step before --since is left out")
        #expect(records.map(\.csvLine) == [
            "checkpoint,2026-12-04T00:00:20.000Z,train,step 40,level 1 complete",
            #"incident,2026-12-04T00:01:00.000Z,train,rank-crash,"suspects n3 rank 5; confidence 0.9; open; rank 5 died, ""signal 9""""#,
            "stats,2026-12-04T00:01:30.000Z,train,goodput,\"ettr 0.95; restarts 1; lost detection 2.0 s, relaunch 3.0 s\"",
        ])
        let line = try #require(try records[1].jsonLine().data(using: .utf8))
        let object = try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
        #expect(object["kind"] as? String == "incident" && object["job"] as? String == "train")
        let record = try #require(object["record"] as? [String: Any])
        #expect(record["id"] as? Int == 7, "the whole stored incident: \(record.keys.sorted())")
    }

    /// Ages count back from an hour past midnight.
    @Test(arguments: [("2026-12-04T00:00:00Z", 0), ("2026-12-04", 0), ("30m", 1_800), ("1h", 0), ("90s", 3_510)] as [(String, UInt64)])
    func sinceIsATimeOrAnAge(_ text: String, _ secondsPastMidnight: UInt64) {
        #expect(ExportSince.parse(text, nowNs: Self.day + 3_600 * Self.s) == Self.day + secondsPastMidnight * Self.s)
    }

    @Test(arguments: ["yesterday", "5x", "-3h", "2026-13-01"])
    func sinceRefusesTheRest(_ text: String) {
        #expect(ExportSince.parse(text, nowNs: Self.day) == nil)
    }
}
