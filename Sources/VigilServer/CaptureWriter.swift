import Foundation
import NIOCore
import Synchronization
import VigilWire

/// Appends every stored batch to a capture file (`vigil server --capture`),
/// for `vigil replay`; an existing capture is continued, never replaced.
/// Records are buffered and written at 64 KiB or every 100 ms (what a
/// killed server loses); a failed write is logged once by the caller and
/// the capture stops, the server goes on.
public final class CaptureWriter: Sendable {
    private struct State {
        var handle: FileHandle?
        var pending = ByteBuffer()
        var flushedNs: UInt64 = 0
    }

    private let state: Mutex<State>
    public let path: String

    public init(path: String) throws {
        let header = Data(TelemetryCapture.header.readableBytesView)
        if let existing = FileHandle(forReadingAtPath: path) {
            let start = try existing.read(upToCount: header.count) ?? Data()
            try existing.close()
            guard start.isEmpty || start == header else { throw CaptureError.notACapture(path) }
        }
        let exists = FileManager.default.fileExists(atPath: path)
        if !exists, !FileManager.default.createFile(atPath: path, contents: header, attributes: [.posixPermissions: 0o600]) {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        if try handle.seekToEnd() == 0 { try handle.write(contentsOf: header) }
        self.path = path
        state = Mutex(State(handle: handle))
    }

    /// Returns the error that stopped the capture, once.
    public func append(_ batch: Frame, from node: String, receivedNs: UInt64) -> (any Error)? {
        state.withLock { s in
            guard s.handle != nil else { return nil }
            TelemetryCapture.append(batch, from: node, receivedNs: receivedNs, to: &s.pending)
            guard s.pending.readableBytes >= 1 << 16 || receivedNs - min(receivedNs, s.flushedNs) >= 100_000_000 else { return nil }
            s.flushedNs = receivedNs
            return Self.flush(&s)
        }
    }

    public func close() -> (any Error)? {
        state.withLock { s in
            let error = Self.flush(&s)
            try? s.handle?.close()
            s.handle = nil
            return error
        }
    }

    private static func flush(_ s: inout State) -> (any Error)? {
        guard let handle = s.handle, s.pending.readableBytes > 0 else { return nil }
        do {
            try handle.write(contentsOf: Data(s.pending.readableBytesView))
            s.pending.clear()
            return nil
        } catch {
            s.handle = nil
            return error
        }
    }
}

public enum CaptureError: Error, CustomStringConvertible {
    case notACapture(String)

    public var description: String {
        switch self {
        case .notACapture(let path): "\(path) exists and is not a Vigil capture: not appending to it"
        }
    }
}
