/// Cuts a growing file of JSON objects (NCCL Inspector's: one per line, or
/// pretty-printed over many) into whole objects, keeping an unfinished one
/// for the next read. Braces inside strings do not count. A line of
/// anything else between objects is skipped, and so is an object longer
/// than `maxObjectBytes` (counted: nothing is dropped silently).
struct InspectorStream {
    static let maxObjectBytes = 64 << 10

    private var pending: [UInt8] = []
    private var depth = 0
    private var inString = false
    private var escaped = false
    private(set) var skippedBytes = 0

    /// The whole objects `bytes` completes, oldest first.
    mutating func feed(_ bytes: some Sequence<UInt8>) -> [[UInt8]] {
        var objects: [[UInt8]] = []
        for byte in bytes {
            if depth == 0 && byte != UInt8(ascii: "{") {
                skippedBytes += Self.isSpace(byte) ? 0 : 1
                continue
            }
            pending.append(byte)
            step(byte)
            if depth == 0 {
                objects.append(pending)
                pending.removeAll(keepingCapacity: true)
            } else if pending.count > Self.maxObjectBytes {
                skippedBytes += pending.count
                pending.removeAll(keepingCapacity: true)
                (depth, inString, escaped) = (0, false, false)
            }
        }
        return objects
    }

    private mutating func step(_ byte: UInt8) {
        if inString {
            if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
            return
        }
        switch byte {
        case UInt8(ascii: "\""): inString = true
        case UInt8(ascii: "{"): depth += 1
        case UInt8(ascii: "}"): depth -= 1
        default: break
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
}
