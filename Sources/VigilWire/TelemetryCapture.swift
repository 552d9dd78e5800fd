import NIOCore
import VigilCore

/// What the server heard, kept for `vigil replay`: every stored batch with
/// the node it came from and when it arrived, so the detector can run over
/// it again exactly as it ran live.
///
///     capture = "VIGILCAP" | u8 version (2) | record*
///     record  = varint receivedNs | string node | bytes batchPayload
///
/// (varints, strings and bytes as in the wire protocol; the batch payload is
/// that of the batch frame.)
public enum TelemetryCapture {
    public static let magic = Array("VIGILCAP".utf8)
    public static let version: UInt8 = 2   // 2: batches of wire version 8

    public struct Record: Sendable, Equatable {
        public var receivedNs: UInt64
        public var node: String
        public var batch: TelemetryBatch
    }

    public static var header: ByteBuffer {
        var buffer = ByteBuffer(bytes: magic)
        buffer.writeInteger(version)
        return buffer
    }

    public static func append(_ batch: Frame, from node: String, receivedNs: UInt64, to buffer: inout ByteBuffer) {
        buffer.writeVarint(receivedNs)
        buffer.writeWireString(node)
        buffer.writeVarint(UInt64(batch.payload.readableBytes))
        buffer.writeImmutableBuffer(batch.payload)
    }

    /// Every record of a whole capture file, checked as strictly as the wire.
    /// A bad header throws; a bad record ends the list there, with why (a
    /// server killed mid-write leaves a partial last record).
    public static func records(in bytes: [UInt8], maxBatchBytes: Int = 1 << 24) throws(WireError)
        -> (records: [Record], damage: WireError?)
    {
        var buffer = ByteBuffer(bytes: bytes)
        guard buffer.readBytes(length: magic.count) == magic else { throw .unexpected("file: not a Vigil capture (no VIGILCAP header)") }
        guard let found = buffer.readInteger(as: UInt8.self), found == version else {
            throw .unexpected("capture version (this vigil reads version \(version))")
        }
        var records: [Record] = []
        while buffer.readableBytes > 0 {
            do {
                records.append(try record(from: &buffer, maxBatchBytes: maxBatchBytes))
            } catch {
                return (records, error)
            }
        }
        return (records, nil)
    }

    private static func record(from buffer: inout ByteBuffer, maxBatchBytes: Int) throws(WireError) -> Record {
        let receivedNs = try buffer.readVarint()
        let node = try buffer.readWireString(maxLength: 255, "node name")
        let payload = try buffer.readWireBytes(maxLength: maxBatchBytes, "batch")
        let batch = try TelemetryBatch(frame: Frame(kind: .batch, payload: ByteBuffer(bytes: payload)))
        return Record(receivedNs: receivedNs, node: node, batch: batch)
    }
}
