import NIOCore

/// The primitives of the wire format: unsigned LEB128 varints, zigzag for
/// signed values, and length-prefixed UTF-8 strings and byte strings. Every
/// reader checks bounds and throws `WireError`; none trusts a length.
extension ByteBuffer {
    public mutating func writeVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            writeInteger(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        writeInteger(UInt8(v))
    }

    public mutating func readVarint() throws(WireError) -> UInt64 {
        var result: UInt64 = 0
        for index in 0..<10 {
            guard let byte = readInteger(as: UInt8.self) else { throw .truncated("varint") }
            let payload = UInt64(byte & 0x7F)
            if index == 9 && payload > 1 { throw .malformedVarint }  // bits beyond 64
            result |= payload << (7 * UInt64(index))
            if byte & 0x80 == 0 { return result }
        }
        throw .malformedVarint
    }

    public mutating func writeSignedVarint(_ value: Int64) {
        writeVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    public mutating func readSignedVarint() throws(WireError) -> Int64 {
        let raw = try readVarint()
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }

    /// A varint that must fit `T` and lie in `range`; `what` names it in errors.
    public mutating func readVarint<T: FixedWidthInteger>(as type: T.Type, in range: ClosedRange<T>,
                                                         _ what: String) throws(WireError) -> T {
        let raw = try readVarint()
        guard let value = T(exactly: raw), range.contains(value) else { throw .valueOutOfRange(what) }
        return value
    }

    public mutating func writeWireString(_ string: String) {
        writeVarint(UInt64(string.utf8.count))
        writeString(string)
    }

    public mutating func readWireString(maxLength: Int, _ what: String) throws(WireError) -> String {
        let bytes = try readWireBytes(maxLength: maxLength, what)
        guard let string = String(validating: bytes, as: UTF8.self) else { throw .invalidUTF8(what) }
        return string
    }

    public mutating func writeWireBytes(_ bytes: [UInt8]) {
        writeVarint(UInt64(bytes.count))
        writeBytes(bytes)
    }

    public mutating func readWireBytes(maxLength: Int, _ what: String) throws(WireError) -> [UInt8] {
        let length = try readVarint()
        guard length <= UInt64(maxLength) else { throw .stringTooLong(what, limit: maxLength) }
        guard let bytes = readBytes(length: Int(length)) else { throw .truncated(what) }
        return bytes
    }

    /// A decoded message must use its whole payload.
    public func expectFullyRead(_ what: String) throws(WireError) {
        if readableBytes > 0 { throw .trailingBytes(what, readableBytes) }
    }
}
