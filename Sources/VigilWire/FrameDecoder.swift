import NIOCore

/// Cuts a byte stream into frames. Refuses a frame whose announced length
/// exceeds the limit before buffering it, and an unknown kind; a stream
/// that ends inside a frame is reported as truncated.
public struct FrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = Frame
    public let maxLength: Int

    public init(maxLength: Int = Frame.defaultMaxLength) {
        self.maxLength = maxLength
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try Self.next(from: &buffer, maxLength: maxLength) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer,
                                    seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        if buffer.readableBytes > 0 { throw WireError.truncated("frame at end of stream") }
        return .needMoreData
    }

    /// The next whole frame in `buffer`, or nil if more bytes are needed.
    public static func next(from buffer: inout ByteBuffer, maxLength: Int) throws(WireError) -> Frame? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, endianness: .little, as: UInt32.self) else {
            return nil
        }
        guard Int(length) <= maxLength else { throw .frameTooLarge(length: UInt64(length), limit: maxLength) }
        guard length > 0 else { throw .emptyFrame }
        guard buffer.readableBytes >= 4 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        let rawKind = buffer.readInteger(as: UInt8.self)!
        guard let kind = FrameKind(rawValue: rawKind) else { throw .unknownFrameKind(rawKind) }
        let payload = buffer.readSlice(length: Int(length) - 1)!
        return Frame(kind: kind, payload: payload)
    }
}

/// Writes frames; the inverse of `FrameDecoder`.
public struct FrameEncoder: MessageToByteEncoder {
    public typealias OutboundIn = Frame

    public init() {}

    public func encode(data frame: Frame, out: inout ByteBuffer) throws {
        Self.write(frame, into: &out)
    }

    public static func write(_ frame: Frame, into out: inout ByteBuffer) {
        out.writeInteger(UInt32(frame.payload.readableBytes + 1), endianness: .little)
        out.writeInteger(frame.kind.rawValue)
        var payload = frame.payload
        out.writeBuffer(&payload)
    }
}
