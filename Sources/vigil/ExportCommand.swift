import ArgumentParser
import Foundation
import VigilAPIClient
import VigilCore
import VigilRecovery

/// `vigil export --since TIME`
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Incidents, recovery actions, checkpoints and each job's stats since a time, as JSON lines or CSV.",
        discussion: """
            TIME is ISO 8601 (2026-12-01T08:00:00Z, or a day as UTC) or an age (90s, 30m, 6h, 2d). Rows come oldest \
            first, then one stats row (goodput) per job. JSON lines carry the whole record under "record"; CSV the \
            columns kind,time,job,subject,detail.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case jsonl, csv
    }

    @Option(help: ArgumentHelp("From this time on (ISO 8601 or an age: 30m, 6h, 2d).", valueName: "time"))
    var since: String

    @Option(help: "Only this job.") var job: String?
    @Option(help: "jsonl or csv.") var format: Format = .jsonl
    @OptionGroup var api: APIOption

    static let incidentLimit = 10_000
    /// The API's own cap on checkpoints (APIResponder).
    static let checkpointLimit = 1_000

    func validate() throws {
        guard ExportSince.parse(since, nowNs: wallClockNanoseconds()) != nil else {
            throw ValidationError("--since must be an ISO 8601 time (2026-12-01T08:00:00Z) or an age (30m, 6h, 2d)")
        }
        if let job, !SafeName.isValid(job) { throw ValidationError("--job must be \(SafeName.rule)") }
    }

    func run() async throws {
        let now = wallClockNanoseconds()
        let client = api.client
        let sinceNs = ExportSince.parse(since, nowNs: now) ?? 0
        let incidents = try await client.incidents(job: job, limit: Self.incidentLimit)
        let checkpoints = try await client.checkpoints(job: job)
        let records = ExportRecord.collect(incidents: incidents, actions: try await client.recoveries(job: job),
                                           checkpoints: checkpoints, goodput: try await client.goodput(job: job),
                                           sinceNs: sinceNs, nowNs: now)
        // The API answers with at most so many, newest first: say when older ones may be missing.
        for (what, rows, cap) in [("incidents", incidents.map(\.incident.detectedNs), Self.incidentLimit),
                                  ("checkpoints", checkpoints.map(\.startedNs), Self.checkpointLimit)]
            where rows.count >= cap && (rows.min() ?? 0) > sinceNs {
            FileHandle.standardError.write(Data("warning: only the newest \(cap) \(what) are exported; older ones since --since are not\n".utf8))
        }
        switch format {
        case .csv:
            print(ExportRecord.csvHeader)
            for record in records { print(record.csvLine) }
        case .jsonl:
            for record in records { print(try record.jsonLine()) }
        }
    }
}
