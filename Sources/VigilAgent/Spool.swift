import Foundation
import NIOCore
import VigilCore
import VigilWire

/// Batches on disk until the server acknowledges them, so neither a server
/// outage nor an agent restart loses telemetry. One file per batch, written
/// whole and renamed into place; the spool's identity and next batch number
/// live beside them, so numbering continues across restarts.
struct Spool {
    let directory: String
    /// Names this spool's numbering on the server (sent as the hello's instance).
    let identity: UInt64

    private var batchDirectory: String { directory + "/batches" }
    private var nextSeqFile: String { directory + "/next-seq" }

    /// Open or create the spool; returns it with the batches it holds (oldest first) and the next number.
    static func open(_ directory: String) throws -> (Spool, [TelemetryBatch], UInt64) {
        let files = FileManager.default
        try files.createDirectory(atPath: directory + "/batches", withIntermediateDirectories: true)
        let idFile = directory + "/identity"
        let identity: UInt64
        if let text = try? String(contentsOfFile: idFile, encoding: .utf8), let id = UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            identity = id
        } else {
            identity = UInt64.random(in: 1...UInt64.max)
            try "\(identity)\n".write(toFile: idFile, atomically: true, encoding: .utf8)
        }
        let spool = Spool(directory: directory, identity: identity)
        let batches = try spool.load()
        let recorded = (try? String(contentsOfFile: spool.nextSeqFile, encoding: .utf8))
            .flatMap { UInt64($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 1
        return (spool, batches, max(recorded, (batches.last?.seq ?? 0) + 1))
    }

    private func load() throws -> [TelemetryBatch] {
        let names = try FileManager.default.contentsOfDirectory(atPath: batchDirectory).filter { $0.hasSuffix(".batch") }.sorted()
        return names.compactMap { name in
            let path = batchDirectory + "/" + name
            guard let data = FileManager.default.contents(atPath: path) else { return nil }
            var buffer = ByteBuffer(bytes: data)
            guard let frame = try? FrameDecoder.next(from: &buffer, maxLength: 1 << 30),
                  let batch = try? TelemetryBatch(frame: frame) else {
                try? FileManager.default.removeItem(atPath: path)  // a torn write from a crash: unreadable, gone
                return nil
            }
            return batch
        }
    }

    func write(_ batch: TelemetryBatch, nextSeq: UInt64) throws {
        var bytes = ByteBuffer()
        FrameEncoder.write(batch.frame, into: &bytes)
        try Data(bytes.readableBytesView).write(to: URL(fileURLWithPath: path(of: batch.seq)), options: .atomic)
        try "\(nextSeq)\n".write(toFile: nextSeqFile, atomically: true, encoding: .utf8)
    }

    func remove(_ seq: UInt64) {
        try? FileManager.default.removeItem(atPath: path(of: seq))
    }

    private func path(of seq: UInt64) -> String {
        batchDirectory + "/" + String(repeating: "0", count: max(0, 20 - String(seq).count)) + String(seq) + ".batch"
    }
}
