import Foundation
import NIOCore
import Synchronization
import VigilWire

/// Appends every stored batch to a capture file (`vigil server --capture`),
/// for `vigil replay`. Records are buffered and written at 64 KiB or a second;
/// a failed write is logged once by the caller and the capture stops, the
/// server goes on.
public final class CaptureWriter: Sendable {
    private struct State {
        var handle: FileHandle?
        var pending = ByteBuffer()
        var flushedNs: UInt64 = 0
    }

    private let state: Mutex<State>
    public let path: String

    public init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(TelemetryCapture.header.readableBytesView),
                                             attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        try handle.seekToEnd()
        self.path = path
        state = Mutex(State(handle: handle))
    }

    /// Returns the error that stopped the capture, once.
    public func append(_ batch: Frame, from node: String, receivedNs: UInt64) -> (any Error)? {
        state.withLock { s in
            guard s.handle != nil else { return nil }
            TelemetryCapture.append(batch, from: node, receivedNs: receivedNs, to: &s.pending)
            guard s.pending.readableBytes >= 1 << 16 || receivedNs - min(receivedNs, s.flushedNs) >= 1_000_000_000 else { return nil }
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
