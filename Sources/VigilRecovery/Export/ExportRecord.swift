import Foundation
import VigilCore

/// One row of `vigil export`: an incident, a recovery action, a checkpoint,
/// or a job's stats (its goodput), with the time it happened. JSON lines
/// carry the whole record; CSV the columns every kind shares.
public enum ExportRecord: Sendable, Equatable {
    case incident(StoredIncident)
    case action(StoredRecovery)
    case checkpoint(StoredCheckpoint)
    /// A job's goodput as of `atNs`.
    case stats(Goodput, atNs: UInt64)

    public var kind: String {
        switch self {
        case .incident: "incident"
        case .action: "action"
        case .checkpoint: "checkpoint"
        case .stats: "stats"
        }
    }

    /// Detected, decided, started, or taken.
    public var atNs: UInt64 {
        switch self {
        case .incident(let stored): stored.incident.detectedNs
        case .action(let recovery): recovery.decidedNs
        case .checkpoint(let checkpoint): checkpoint.startedNs
        case .stats(_, let atNs): atNs
        }
    }

    public var job: String {
        switch self {
        case .incident(let stored): stored.incident.job
        case .action(let recovery): recovery.job
        case .checkpoint(let checkpoint): checkpoint.job
        case .stats(let goodput, _): goodput.job
        }
    }

    /// What it is, in a word or two: the class, the state, the step.
    public var subject: String {
        switch self {
        case .incident(let stored): stored.incident.incidentClass.rawValue
        case .action(let recovery): "\(recovery.incidentClass?.rawValue ?? "operator") \(recovery.state.rawValue)"
        case .checkpoint(let checkpoint): "step \(checkpoint.step)"
        case .stats: "goodput"
        }
    }

    /// The rest, in one line.
    public var detail: String {
        switch self {
        case .incident(let stored):
            let incident = stored.incident
            let suspects = incident.suspects.map(\.description).joined(separator: ", ")
            return "suspects \(suspects.isEmpty ? "none" : suspects); confidence \(incident.confidence); "
                + (incident.resolvedNs == nil ? "open" : "resolved") + "; " + incident.evidence.summary
        case .action(let recovery):
            return (recovery.why + [recovery.failure.map { "failed: \($0)" }].compactMap { $0 }).joined(separator: "; ")
        case .checkpoint(let checkpoint):
            return checkpoint.levels.map { "level \($0.level.rawValue) \($0.label)" }.joined(separator: ", ")
        case .stats(let goodput, _):
            let lost = Goodput.Cause.allCases.compactMap { cause in goodput.lostNs[cause].map { "\(cause.rawValue) \(Double($0) / 1e9) s" } }
            return "ettr \(goodput.ettr); restarts \(goodput.restarts); lost " + (lost.isEmpty ? "nothing" : lost.joined(separator: ", "))
        }
    }

    /// Oldest first, from what the API gives, those before `sinceNs` left out; then each job's stats.
    public static func collect(incidents: [StoredIncident], actions: [StoredRecovery], checkpoints: [StoredCheckpoint],
                               goodput: [Goodput], sinceNs: UInt64, nowNs: UInt64) -> [ExportRecord] {
        let records: [ExportRecord] = incidents.map { .incident($0) } + actions.map { .action($0) }
            + checkpoints.map { .checkpoint($0) }
        return records.filter { $0.atNs >= sinceNs }.sorted { ($0.atNs, $0.kind) < ($1.atNs, $1.kind) }
            + goodput.sorted { $0.job < $1.job }.map { .stats($0, atNs: nowNs) }
    }
}
