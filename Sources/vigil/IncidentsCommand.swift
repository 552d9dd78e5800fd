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
        let path = job.map { "/v1/incidents?job=\($0)" } ?? "/v1/incidents"
        var (incidents, data) = try await api.fetch(path, as: [StoredIncident].self)
        if open {
            incidents = incidents.filter { $0.incident.resolvedNs == nil }
            if api.json { data = try JSONEncoder().encode(incidents) }
        }
        if api.json { print(String(decoding: data, as: UTF8.self)) } else {
            print(ClusterTables.incidents(incidents, nowNs: wallClockNanoseconds()), terminator: "")
        }
    }
}
