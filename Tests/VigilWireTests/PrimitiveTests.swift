import NIOCore
import Testing
import VigilWire

struct PrimitiveTests {
    @Test(arguments: [UInt64(0), 1, 127, 128, 300, 16_383, 16_384, UInt64(UInt32.max), UInt64.max - 1, UInt64.max])
    func varintsRoundTrip(value: UInt64) throws {
        var buffer = ByteBuffer()
        buffer.writeVarint(value)
        #expect(buffer.readableBytes == max(1, (64 - value.leadingZeroBitCount + 6) / 7))
        #expect(try buffer.readVarint() == value)
        #expect(buffer.readableBytes == 0)
    }

    @Test(arguments: [Int64.min, -1, 0, 1, -64, 63, Int64.max])
    func signedVarintsRoundTrip(value: Int64) throws {
        var buffer = ByteBuffer()
        buffer.writeSignedVarint(value)
        #expect(try buffer.readSignedVarint() == value)
    }

    @Test func smallNegativesStaySmall() {
        var buffer = ByteBuffer()
        buffer.writeSignedVarint(-1)
        #expect(buffer.readableBytes == 1)
    }

    @Test func refusesVarintsBeyondSixtyFourBits() {
        var eleven = ByteBuffer(bytes: Array(repeating: 0xFF, count: 10) + [0x01])
        #expect(throws: WireError.malformedVarint) { try eleven.readVarint() }
        var overflow = ByteBuffer(bytes: Array(repeating: 0xFF, count: 9) + [0x02])
        #expect(throws: WireError.malformedVarint) { try overflow.readVarint() }
        var cut = ByteBuffer(bytes: [0x80, 0x80])
        #expect(throws: WireError.truncated("varint")) { try cut.readVarint() }
    }

    @Test func boundedIntegers() throws {
        var buffer = ByteBuffer()
        buffer.writeVarint(70_000)
        #expect(throws: WireError.valueOutOfRange("port")) { try buffer.readVarint(as: UInt16.self, in: 0...UInt16.max, "port") }
        buffer.clear()
        buffer.writeVarint(7)
        #expect(try buffer.readVarint(as: Int.self, in: 1...10, "small") == 7)
    }

    @Test func stringsAreBoundedAndValidated() throws {
        var buffer = ByteBuffer()
        buffer.writeWireString("node-01 ✓")
        #expect(try buffer.readWireString(maxLength: 64, "name") == "node-01 ✓")

        buffer.writeWireString(String(repeating: "x", count: 65))
        #expect(throws: WireError.stringTooLong("name", limit: 64)) { try buffer.readWireString(maxLength: 64, "name") }

        var lying = ByteBuffer()
        lying.writeVarint(1_000)
        lying.writeString("short")
        #expect(throws: WireError.truncated("name")) { try lying.readWireString(maxLength: 4_096, "name") }

        var invalid = ByteBuffer()
        invalid.writeWireBytes([0x61, 0xFF, 0x62])
        #expect(throws: WireError.invalidUTF8("name")) { try invalid.readWireString(maxLength: 64, "name") }
    }
}
