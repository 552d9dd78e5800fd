import NIOCore
import NIOEmbedded
import Testing
import VigilWire

/// Framing on NIO's embedded channel: no socket needed.
struct FrameCodecTests {
    private func channel(maxLength: Int = 64) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder(maxLength: maxLength)))
        try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(FrameEncoder()))
        return channel
    }

    private func bytes(_ frames: [Frame]) -> ByteBuffer {
        var out = ByteBuffer()
        for frame in frames { FrameEncoder.write(frame, into: &out) }
        return out
    }

    @Test func encodesLengthKindPayload() throws {
        let channel = try channel()
        try channel.writeOutbound(Frame(kind: .ack, payload: ByteBuffer(bytes: [7])))
        let wire = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(Array(wire.readableBytesView) == [2, 0, 0, 0, 17, 7])
        _ = try channel.finish()
    }

    @Test func reassemblesFramesFromAnySplit() throws {
        let frames = [BatchAck(through: 5).frame, Refusal(.badToken, "wrong token").frame, BatchAck(through: 300).frame]
        let wire = bytes(frames)
        for cut in 1..<wire.readableBytes {
            let channel = try channel()
            var head = wire
            let first = head.readSlice(length: cut)!
            try channel.writeInbound(first)
            try channel.writeInbound(head)
            var seen: [Frame] = []
            while let frame = try channel.readInbound(as: Frame.self) { seen.append(frame) }
            #expect(seen == frames, "split at \(cut)")
            _ = try channel.finish()
        }
    }

    @Test func refusesAnOversizeLengthBeforeReadingIt() throws {
        let channel = try channel(maxLength: 64)
        var wire = ByteBuffer()
        wire.writeInteger(UInt32(1 << 30), endianness: .little)
        #expect(throws: WireError.frameTooLarge(length: 1 << 30, limit: 64)) { try channel.writeInbound(wire) }
        _ = try? channel.finish()
    }

    @Test func refusesUnknownKindsAndEmptyFrames() throws {
        let unknown = try channel()
        #expect(throws: WireError.unknownFrameKind(99)) {
            try unknown.writeInbound(ByteBuffer(bytes: [1, 0, 0, 0, 99]))
        }
        _ = try? unknown.finish()
        let empty = try channel()
        #expect(throws: WireError.emptyFrame) { try empty.writeInbound(ByteBuffer(bytes: [0, 0, 0, 0])) }
        _ = try? empty.finish()
    }

    @Test func aStreamEndingInsideAFrameIsTruncated() throws {
        let channel = try channel()
        try channel.writeInbound(ByteBuffer(bytes: [5, 0, 0, 0, 17, 1]))
        #expect(throws: WireError.truncated("frame at end of stream")) { _ = try channel.finish() }
    }
}
