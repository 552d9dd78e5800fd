import NIOCore

/// One unit on the wire: `u32 length (LE) | u8 kind | payload`, where
/// length counts the kind byte and the payload.
public struct Frame: Sendable, Equatable {
    public var kind: FrameKind
    public var payload: ByteBuffer

    public init(kind: FrameKind, payload: ByteBuffer) {
        self.kind = kind
        self.payload = payload
    }

    /// Frames larger than this are refused unless both sides agree otherwise.
    public static let defaultMaxLength = 1 << 20
}
