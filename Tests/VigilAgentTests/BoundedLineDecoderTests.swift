import NIOCore
import NIOEmbedded
import Testing
@testable import VigilAgent
import VigilCore

/// The agent socket's framing, on NIO's embedded channel: no socket needed.
struct BoundedLineDecoderTests {
    private func channel(maxLength: Int = 16) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(BoundedLineDecoder(maxLength: maxLength)))
        return channel
    }

    private func lines(_ channel: EmbeddedChannel) throws -> [String] {
        var out: [String] = []
        while let line = try channel.readInbound(as: String.self) { out.append(line) }
        return out
    }

    @Test func joinsLinesSplitAcrossReadsAndStripsCR() throws {
        let channel = try channel()
        try channel.writeInbound(ByteBuffer(string: "HEL"))
        #expect(try lines(channel).isEmpty)
        try channel.writeInbound(ByteBuffer(string: "LO 1\r\nRANKS\nREC"))
        #expect(try lines(channel) == ["HELLO 1", "RANKS"])
        try channel.writeInbound(ByteBuffer(string: "ORDS\n"))
        #expect(try lines(channel) == ["RECORDS"])
        _ = try channel.finish()
    }

    @Test func refusesAnOverlongLineBeforeItEnds() throws {
        let channel = try channel(maxLength: 16)
        #expect(throws: AgentRequestError.tooLong) {
            try channel.writeInbound(ByteBuffer(string: String(repeating: "x", count: 17)))
        }
        _ = try? channel.finish()
    }

    @Test func refusesAnOverlongCompleteLine() throws {
        let channel = try channel(maxLength: 4)
        #expect(throws: AgentRequestError.tooLong) {
            try channel.writeInbound(ByteBuffer(string: "12345\n"))
        }
        _ = try? channel.finish()
    }

    @Test func aPartialLastLineIsDropped() throws {
        let channel = try channel()
        try channel.writeInbound(ByteBuffer(string: "RANKS\nHALF"))
        #expect(try lines(channel) == ["RANKS"])
        _ = try channel.finish()
        #expect(try lines(channel).isEmpty)
    }
}
