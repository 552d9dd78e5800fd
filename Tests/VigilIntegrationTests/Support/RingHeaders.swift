import Foundation

/// Reads ring counters straight from the ring files, the way an operator
/// would with a hex dump: offsets from docs/telemetry.md.
struct RingHeaders {
    var head: UInt64
    var dropped: UInt64
    var tail: UInt64

    static func read(directory: String) -> [RingHeaders] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".ring") }.compactMap { name in
            guard let handle = FileHandle(forReadingAtPath: directory + "/" + name) else { return nil }
            defer { try? handle.close() }
            guard let data = try? handle.read(upToCount: 512), data.count == 512 else { return nil }
            func u64(_ offset: Int) -> UInt64 {
                data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self) }
            }
            return RingHeaders(head: u64(320), dropped: u64(328), tail: u64(384))
        }
    }
}
