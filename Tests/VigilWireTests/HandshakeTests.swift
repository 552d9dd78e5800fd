import NIOCore
import Testing
import VigilWire

struct HandshakeTests {
    @Test func messagesRoundTrip() throws {
        let hello = AgentHello(node: "node-3", instance: 0xDEAD_BEEF, token: Array("s3cret".utf8))
        #expect(try AgentHello(frame: hello.frame) == hello)
        let buddy = AgentHello(node: "node-3", instance: 1, token: [1], probeHost: "10.78.1.3", buddyPort: 7_080)
        #expect(try AgentHello(frame: buddy.frame) == buddy)
        let welcome = ServerWelcome(resumeAfter: 41, maxFrameLength: 65_536)
        #expect(try ServerWelcome(frame: welcome.frame) == welcome)
        let refusal = Refusal(.unsupportedVersion, "server speaks version 1")
        #expect(try Refusal(frame: refusal.frame) == refusal)
        #expect(try BatchAck(frame: BatchAck(through: 9).frame) == BatchAck(through: 9))
    }

    @Test func helloRefusesBadNodeNamesTokensAndTrailingBytes() {
        #expect(throws: WireError.self) { try AgentHello(frame: AgentHello(node: "a/b", instance: 1, token: []).frame) }
        #expect(throws: WireError.self) {
            try AgentHello(frame: AgentHello(node: "n", instance: 1, token: Array(repeating: 1, count: 257)).frame)
        }
        var padded = AgentHello(node: "n", instance: 1, token: [1]).frame
        padded.payload.writeInteger(UInt8(0))
        #expect(throws: WireError.trailingBytes("hello", 1)) { try AgentHello(frame: padded) }
    }

    @Test func aMessageOfTheWrongKindIsRefused() {
        #expect(throws: WireError.unexpected("ack frame, expected hello")) {
            try AgentHello(frame: BatchAck(through: 1).frame)
        }
    }
}
