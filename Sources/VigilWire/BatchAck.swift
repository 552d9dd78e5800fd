import NIOCore

/// The server saying every batch of this connection's node up to
/// `through` is stored; the agent may forget them.
///
///     varint through
public struct BatchAck: Sendable, Equatable {
    public var through: UInt64

    public init(through: UInt64) {
        self.through = through
    }

    public var frame: Frame {
        var payload = ByteBuffer()
        payload.writeVarint(through)
        return Frame(kind: .ack, payload: payload)
    }

    public init(frame: Frame) throws(WireError) {
        guard frame.kind == .ack else { throw .unexpected("\(frame.kind) frame, expected ack") }
        var payload = frame.payload
        through = try payload.readVarint()
        try payload.expectFullyRead("ack")
    }
}
