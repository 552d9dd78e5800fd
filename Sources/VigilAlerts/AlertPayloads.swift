import Foundation
import VigilCore

/// Each target's request body for an event (pure; the shapes are the targets' documented APIs).
public enum AlertPayloads {
    /// Alertmanager v2: one postable alert; a resolve is the same labels with `endsAt` now.
    public static func alertmanager(_ event: AlertEvent) -> Data {
        var alert: [String: Any] = [
            "labels": [
                "alertname": "VigilIncident", "job": event.incident.job, "node": event.nodes.joined(separator: ","),
                "class": event.incident.incidentClass.rawValue, "severity": event.severity.rawValue, "incident": event.key,
            ],
            "annotations": ["summary": event.incident.headline, "description": event.incident.evidence.summary],
            "startsAt": timestamp(event.incident.firstSeenNs),
        ]
        if event.action == .resolve { alert["endsAt"] = timestamp(event.atNs) }
        return json([alert])
    }

    /// Slack-compatible: one line of text.
    public static func slack(_ event: AlertEvent) -> Data {
        let word = event.action == .trigger ? "FIRING" : "RESOLVED"
        return json(["text": "[\(word)] vigil \(event.severity.rawValue): \(event.incident.headline) (job \(event.incident.job))"
                         + (event.action == .trigger ? " — \(event.incident.evidence.summary)" : "")])
    }

    /// PagerDuty Events v2: trigger, then resolve, under one dedup_key.
    public static func pagerDuty(_ event: AlertEvent, routingKey: String) -> Data {
        var body: [String: Any] = ["routing_key": routingKey, "event_action": event.action.rawValue, "dedup_key": event.key]
        if event.action == .trigger {
            body["payload"] = [
                "summary": String(event.incident.headline.prefix(1_024)), "source": event.nodes.first ?? event.incident.job,
                "severity": event.severity == .critical ? "critical" : "warning", "component": event.incident.job,
                "class": event.incident.incidentClass.rawValue, "timestamp": timestamp(event.incident.firstSeenNs),
            ]
        }
        return json(body)
    }

    /// The exec hook's stdin: the event itself.
    public static func exec(_ event: AlertEvent) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(event)) ?? Data()
    }

    /// The exec hook's environment.
    public static func environment(_ event: AlertEvent) -> [String: String] {
        ["VIGIL_ALERT_ACTION": event.action.rawValue, "VIGIL_INCIDENT_KEY": event.key, "VIGIL_JOB": event.incident.job,
         "VIGIL_INCIDENT_CLASS": event.incident.incidentClass.rawValue, "VIGIL_SEVERITY": event.severity.rawValue,
         "VIGIL_NODES": event.nodes.joined(separator: ",")]
    }

    /// RFC 3339, UTC, milliseconds.
    static func timestamp(_ ns: UInt64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(ns) / 1e9))
    }

    private static func json(_ object: Any) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }
}
