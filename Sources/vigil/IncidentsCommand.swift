import ArgumentParser
import Foundation
import VigilAPIClient
import VigilCore

struct IncidentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incidents",
        abstract: "What the detector found: class, suspects, confidence and evidence, newest first.")
    @OptionGroup var api: APIOption
    @Option(help: "Only this job's incidents.") var job: String?
    @Flag(help: "Only incidents still open.") var open = false

    func run() async throws {
        let incidents = try await api.client.incidents(job: job).filter { !open || $0.incident.resolvedNs == nil }
        try api.show(incidents, else: ClusterTables.incidents(incidents, nowNs: wallClockNanoseconds()))
    }
}
