import VigilCore

/// How the server acts on incidents (docs/recovery.md): which classes, how
/// sure it must be, how often it may restart a job, and where replacement
/// hosts come from.
public struct RecoveryConfiguration: Sendable, Equatable, Codable {
    public enum Mode: String, Sendable, Codable, CaseIterable {
        /// Plans and carries them out.
        case automatic
        /// Plans and records them; changes nothing.
        case dryRun = "dry-run"
        /// Plans and waits for an operator's approval (`vigil recovery approve ID`).
        case approval
        /// No recovery at all: incidents are only raised.
        case off
    }

    public var mode: Mode
    /// The classes acted on as soon as they are raised.
    public var classes: Set<Incident.Class>
    /// The slow classes, acted on only once the slowdown has stayed above
    /// `slowFactor` for `slowForNs`.
    public var slowClasses: Set<Incident.Class>
    public var slowFactor: Double
    public var slowForNs: UInt64
    /// Below this confidence the culprit is not isolated.
    public var minConfidence: Double
    /// An incident naming more nodes than this is not localized enough to cordon them.
    public var maxCulpritNodes: Int
    /// Hosts kept free to take a culprit's place, in order of preference.
    public var spares: [String]
    /// SIGTERM, then SIGKILL after this.
    public var stopGraceNs: UInt64
    public var budget: RestartBudget.Limits

    public static let second: UInt64 = 1_000_000_000

    public init(mode: Mode = .automatic,
                classes: Set<Incident.Class> = [.nonCommunicationHang, .rankCrash, .nodeDown, .communicationHang],
                slowClasses: Set<Incident.Class> = [.straggler, .communicationSlow],
                slowFactor: Double = 2, slowForNs: UInt64 = 300 * second, minConfidence: Double = 0.6,
                maxCulpritNodes: Int = 2, spares: [String] = [], stopGraceNs: UInt64 = 10 * second,
                budget: RestartBudget.Limits = .init()) {
        self.mode = mode
        self.classes = classes
        self.slowClasses = slowClasses
        self.slowFactor = slowFactor
        self.slowForNs = slowForNs
        self.minConfidence = minConfidence
        self.maxCulpritNodes = maxCulpritNodes
        self.spares = spares
        self.stopGraceNs = stopGraceNs
        self.budget = budget
    }
}
