import Foundation
import VigilCore

extension ExportRecord {
    public static let csvHeader = "kind,time,job,subject,detail"

    /// `kind,time,job,subject,detail`, RFC 4180 quoting.
    public var csvLine: String {
        [kind, Self.time(atNs), job, subject, detail].map(Self.csvField).joined(separator: ",")
    }

    /// One JSON object: the shared columns and the whole record under `record`.
    public func jsonLine() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let line = Line(kind: kind, time: Self.time(atNs), atNs: atNs, job: job, subject: subject, record: Payload(self))
        return String(decoding: try encoder.encode(line), as: UTF8.self)
    }

    private struct Line: Encodable {
        var kind: String
        var time: String
        var atNs: UInt64
        var job: String
        var subject: String
        var record: Payload
    }

    private struct Payload: Encodable {
        let record: ExportRecord
        init(_ record: ExportRecord) { self.record = record }

        func encode(to encoder: any Encoder) throws {
            switch record {
            case .incident(let stored): try stored.encode(to: encoder)
            case .action(let recovery): try recovery.encode(to: encoder)
            case .checkpoint(let checkpoint): try checkpoint.encode(to: encoder)
            case .stats(let goodput, _): try goodput.encode(to: encoder)
            }
        }
    }

    /// UTC, to the millisecond: `2026-12-04T21:36:29.123Z`.
    static func time(_ ns: UInt64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(ns) / 1e9))
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacing("\"", with: "\"\"") + "\""
    }
}
