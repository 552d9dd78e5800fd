import VigilCore

/// What the alert hooks tell the world about one incident: it fires when
/// raised, and resolves when the job trains again (or the fault clears).
/// `key` is the one stable name of the incident everywhere: Alertmanager's
/// labels, PagerDuty's dedup_key, the exec hook's environment.
public struct AlertEvent: Sendable, Equatable, Codable {
    public enum Action: String, Sendable, Codable {
        case trigger, resolve
    }

    public enum Severity: String, Sendable, Codable, Comparable {
        case warning, critical

        public static func < (a: Self, b: Self) -> Bool { a == .warning && b == .critical }
    }

    public var action: Action
    public var key: String
    public var incident: Incident
    public var severity: Severity
    public var atNs: UInt64

    public init(action: Action, incident: Incident, atNs: UInt64) {
        self.action = action
        self.incident = incident
        self.key = Self.key(of: incident)
        self.severity = Self.severity(of: incident.incidentClass)
        self.atNs = atNs
    }

    /// The incident's key and when its fault began: the same fault later is another alert.
    public static func key(of incident: Incident) -> String { "\(incident.key)@\(incident.firstSeenNs / 1_000_000_000)" }

    /// A job stopped or about to be (hangs, crashes, nodes and links down, recovery given up) is critical; a slow one a warning.
    public static func severity(of incidentClass: Incident.Class) -> Severity {
        switch incidentClass {
        case .nonCommunicationHang, .communicationHang, .rankCrash, .nodeDown, .recoveryGaveUp: .critical
        case .straggler, .communicationSlow, .cpuContention, .telemetrySilent: .warning
        }
    }

    /// The nodes it names, in order.
    public var nodes: [String] { Array(Set(incident.suspects.map(\.node))).sorted() }
}
