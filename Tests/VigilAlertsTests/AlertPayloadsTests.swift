import Foundation
import Testing
import VigilCore
@testable import VigilAlerts

/// Each target's body, in the shape its API documents, under one stable key.
struct AlertPayloadsTests {
    static let incident = Incident(job: "train", incidentClass: .rankCrash, suspects: [.init(node: "node3", rank: 4)],
                                   confidence: 1, evidence: .init(summary: "rank 4 died without MPI_Finalize"),
                                   firstSeenNs: 1_700_000_000_000_000_000, detectedNs: 1_700_000_001_000_000_000)

    static func object(_ data: Data) throws -> Any { try JSONSerialization.jsonObject(with: data) }

    @Test func alertmanagerGetsLabelsAndResolvesWithEndsAt() throws {
        let firing = try #require(try Self.object(AlertPayloads.alertmanager(AlertEvent(action: .trigger, incident: Self.incident,
                                                                                          atNs: 1_700_000_001_000_000_000))) as? [[String: Any]])
        let labels = try #require(firing.first?["labels"] as? [String: String])
        #expect(labels == ["alertname": "VigilIncident", "job": "train", "node": "node3", "class": "rank-crash",
                           "severity": "critical", "incident": "rank-crash/train/crash@1700000000"])
        #expect(firing.first?["startsAt"] as? String == "2023-11-14T22:13:20.000Z" && firing.first?["endsAt"] == nil)
        let resolved = try #require(try Self.object(AlertPayloads.alertmanager(AlertEvent(action: .resolve, incident: Self.incident,
                                                                                           atNs: 1_700_000_060_000_000_000))) as? [[String: Any]])
        #expect(resolved.first?["endsAt"] as? String == "2023-11-14T22:14:20.000Z")
        #expect(resolved.first?["labels"] as? [String: String] == labels, "the same alert, by its labels")
    }

    @Test func pagerDutyTriggersThenResolvesUnderOneDedupKey() throws {
        let trigger = try #require(try Self.object(AlertPayloads.pagerDuty(AlertEvent(action: .trigger, incident: Self.incident, atNs: 1),
                                                                           routingKey: "R")) as? [String: Any])
        #expect(trigger["event_action"] as? String == "trigger" && trigger["routing_key"] as? String == "R")
        #expect(trigger["dedup_key"] as? String == "rank-crash/train/crash@1700000000")
        let payload = try #require(trigger["payload"] as? [String: String])
        #expect(payload["severity"] == "critical" && payload["source"] == "node3" && payload["summary"] == "rank-crash: node3 rank 4")
        let resolve = try #require(try Self.object(AlertPayloads.pagerDuty(AlertEvent(action: .resolve, incident: Self.incident, atNs: 2),
                                                                           routingKey: "R")) as? [String: Any])
        #expect(resolve["event_action"] as? String == "resolve" && resolve["dedup_key"] as? String == trigger["dedup_key"] as? String)
    }

    @Test func slackGetsOneLineOfText() throws {
        let body = try #require(try Self.object(AlertPayloads.slack(AlertEvent(action: .trigger, incident: Self.incident, atNs: 1)))
                                as? [String: String])
        #expect(body == ["text": "[FIRING] vigil critical: rank-crash: node3 rank 4 (job train) — rank 4 died without MPI_Finalize"])
    }

    @Test func targetsTakeTheirClassesAndSeverities() {
        let event = AlertEvent(action: .trigger, incident: Self.incident, atNs: 1)
        var slow = Self.incident
        slow.incidentClass = .straggler
        let warning = AlertEvent(action: .trigger, incident: slow, atNs: 1)
        let critical = AlertTarget(.slack(url: "http://x"), minimumSeverity: .critical)
        #expect(critical.wants(event) && !critical.wants(warning))
        #expect(!AlertTarget(.slack(url: "http://x"), classes: [.nodeDown]).wants(event))
        #expect(AlertPayloads.environment(event)["VIGIL_INCIDENT_KEY"] == event.key)
    }
}
