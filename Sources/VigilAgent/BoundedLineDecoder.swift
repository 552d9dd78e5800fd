import NIOCore
import VigilCore

/// Splits a byte stream into lines, refusing any line longer than
/// `maxLength` before buffering more of it.
struct BoundedLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = String
    let maxLength: Int

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > maxLength { throw AgentRequestError.tooLong }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex
        if length > maxLength { throw AgentRequestError.tooLong }
        var line = buffer.readString(length: length) ?? ""
        buffer.moveReaderIndex(forwardBy: 1)
        if line.hasSuffix("\r") { line.removeLast() }
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData  // a partial last line is ignored: its sender is gone
    }
}
