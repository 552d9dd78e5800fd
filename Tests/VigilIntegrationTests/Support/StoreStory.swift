import VigilCore
import VigilRecovery
import VigilStore

extension SQLiteStore {
    /// What the store says happened to `job`, for a failing drill's message:
    /// its ranks by attempt, recoveries and incidents.
    func story(job: String) async throws -> String {
        let ranks = try await ranks(job: job).map { "\($0.node) a\($0.snapshot.identity.attempt) \($0.snapshot.status)" }
        let recoveries = try await recoveries(job: job).map { "a\($0.attempt) \($0.incidentKey) \($0.state): \($0.why)" }
        let incidents = try await incidents(job: job).map {
            "\($0.incident.firstSeenNs / 1_000_000) \($0.incident.headline) \($0.incident.suspects) \($0.incident.confidence): "
                + "\($0.incident.evidence.summary) victims \($0.incident.evidence.victims ?? [])"
        }
        return "ranks \(ranks) RECOVERIES \(recoveries) INCIDENTS \(incidents)"
    }
}
