import NIOCore

/// The server's answer to an accepted hello.
///
///     varint version | varint resumeAfter | varint maxFrameLength
///
/// `resumeAfter` is the highest batch number of this node already stored:
/// the agent replays its spool from the next one, so a batch sent twice
/// (before a crash, and again after) is stored once.
public struct ServerWelcome: Sendable, Equatable {
    public var version: UInt64
    public var resumeAfter: UInt64
    public var maxFrameLength: Int

    public init(version: UInt64 = WireProtocol.version, resumeAfter: UInt64, maxFrameLength: Int = Frame.defaultMaxLength) {
        self.version = version
        self.resumeAfter = resumeAfter
        self.maxFrameLength = maxFrameLength
    }

    public var frame: Frame {
        var payload = ByteBuffer()
        payload.writeVarint(version)
        payload.writeVarint(resumeAfter)
        payload.writeVarint(UInt64(maxFrameLength))
        return Frame(kind: .welcome, payload: payload)
    }

    public init(frame: Frame) throws(WireError) {
        guard frame.kind == .welcome else { throw .unexpected("\(frame.kind) frame, expected welcome") }
        var payload = frame.payload
        version = try payload.readVarint()
        resumeAfter = try payload.readVarint()
        maxFrameLength = try payload.readVarint(as: Int.self, in: 64...(1 << 30), "max frame length")
        try payload.expectFullyRead("welcome")
    }
}
