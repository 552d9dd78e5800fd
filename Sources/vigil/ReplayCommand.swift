import ArgumentParser
import Foundation
import VigilCore
import VigilDetector
import VigilWire

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run a capture (`vigil server --capture`) through the detector offline and print the incidents.",
        discussion: """
            The detector sees each batch when the server received it and evaluates every --every seconds of \
            capture time, as the server does live: a postmortem finds what the server found, or what other \
            thresholds would have found.
            """)

    @Argument(help: ArgumentHelp("The capture file.", valueName: "file")) var file: String
    @OptionGroup(title: "Detector") var detector: DetectorOptions
    @Option(help: ArgumentHelp("Evaluate every this many seconds of capture time.", valueName: "seconds"))
    var every: Double = 0.5
    @Flag(help: "Print the incidents as JSON.") var json = false

    func validate() throws {
        guard every >= 0.001, every <= 3_600 else { throw ValidationError("--every must be 0.001 to 3600 seconds") }
    }

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
        let (records, damage) = try TelemetryCapture.records(in: Array(data))
        if let damage {
            FileHandle.standardError.write(Data("vigil replay: \(file): stopped after \(records.count) records: \(damage)\n".utf8))
        }
        guard let first = records.first?.receivedNs, let last = records.last?.receivedNs else {
            throw ValidationError("\(file) holds no batches")
        }
        let incidents = replay(records, until: last)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(incidents), as: UTF8.self))
        } else {
            print(ClusterTables.replayed(incidents, startNs: first), terminator: "")
            print("\(records.count) batches over \(DurationText.precise(last - first)); \(incidents.count) incidents")
        }
    }

    /// Every incident raised, in order, as last updated (resolved or not).
    private func replay(_ records: [TelemetryCapture.Record], until endNs: UInt64) -> [Incident] {
        var monitor = TelemetryMonitor(configuration: detector.configuration)
        let step = UInt64(every * 1e9)
        var next = records[0].receivedNs + step
        var found: [Incident] = []
        func evaluate(at now: UInt64) {
            let report = monitor.evaluate(nowNs: now)
            found += report.raised
            for change in report.updated + report.resolved {
                if let index = found.lastIndex(where: { $0.key == change.key }) { found[index] = change }
            }
        }
        for record in records {
            while record.receivedNs >= next {
                evaluate(at: next)
                next += step
            }
            monitor.ingest(record.batch, from: record.node, atNs: record.receivedNs)
        }
        evaluate(at: endNs)
        return found
    }
}
