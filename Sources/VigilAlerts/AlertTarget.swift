import VigilCore

/// Where alerts go (docs/recovery.md), and which: every target takes the
/// incidents of its classes at or above its severity.
public struct AlertTarget: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A program, the event as JSON on stdin, its key and class in the environment.
        case exec(path: String)
        /// Prometheus Alertmanager's API: POST `<url>/api/v2/alerts`.
        case alertmanager(url: String)
        /// A Slack-compatible incoming webhook: `{"text": …}`.
        case slack(url: String)
        /// PagerDuty Events API v2 (`https://events.pagerduty.com/v2/enqueue`).
        case pagerDuty(url: String, routingKey: String)
    }

    public var kind: Kind
    public var classes: Set<Incident.Class>
    public var minimumSeverity: AlertEvent.Severity

    public init(_ kind: Kind, classes: Set<Incident.Class> = Set(Incident.Class.allCases),
                minimumSeverity: AlertEvent.Severity = .warning) {
        self.kind = kind
        self.classes = classes
        self.minimumSeverity = minimumSeverity
    }

    public func wants(_ event: AlertEvent) -> Bool {
        classes.contains(event.incident.incidentClass) && event.severity >= minimumSeverity
    }

    /// How it is named in logs and the store.
    public var name: String {
        switch kind {
        case .exec(let path): "exec:\(path)"
        case .alertmanager(let url): "alertmanager:\(url)"
        case .slack(let url): "slack:\(url)"
        case .pagerDuty(let url, _): "pagerduty:\(url)"
        }
    }
}
