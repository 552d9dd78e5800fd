import CXXHash

/// The proof that a checkpoint is complete at one level: every rank's shard
/// with its size and checksum, written once all of them were durable there
/// (docs/checkpoints.md). Text, one field per line, ending in the XXH3-64 of
/// everything before it, so that a damaged manifest is never believed:
///
/// ```
/// vigil-manifest 1
/// job train-7
/// step 1200
/// level 1
/// world 4
/// shard 0 536870999 9f2c4e1a03b5d7e8
/// …
/// end 5a1d…
/// ```
public struct CheckpointManifest: Sendable, Equatable {
    public struct Shard: Sendable, Equatable {
        public var rank: Int
        public var bytes: UInt64
        public var checksum: UInt64

        public init(rank: Int, bytes: UInt64, checksum: UInt64) {
            self.rank = rank
            self.bytes = bytes
            self.checksum = checksum
        }
    }

    public var job: String
    public var step: Int64
    public var level: CheckpointLevel
    /// One per rank, in rank order.
    public var shards: [Shard]

    public static let fileName = "MANIFEST"

    public init(job: String, step: Int64, level: CheckpointLevel, shards: [Shard]) {
        self.job = job
        self.step = step
        self.level = level
        self.shards = shards.sorted { $0.rank < $1.rank }
    }

    public var bytes: UInt64 { shards.reduce(0) { $0 + $1.bytes } }

    public var text: String {
        var body = "vigil-manifest 1\njob \(job)\nstep \(step)\nlevel \(level.rawValue)\nworld \(shards.count)\n"
        for shard in shards { body += "shard \(shard.rank) \(shard.bytes) \(Self.hex(shard.checksum))\n" }
        return body + "end \(Self.hex(Self.checksum(body)))\n"
    }

    /// The manifest `text` says, or why it is not one.
    public static func parse(_ text: String) throws(CheckpointManifestError) -> CheckpointManifest {
        let bytes = Array(text.utf8)
        // The last line: "end " and 16 hex digits.
        guard bytes.count >= 21, bytes.last == 0x0A, bytes.count == 21 || bytes[bytes.count - 22] == 0x0A,
              bytes[(bytes.count - 21)..<(bytes.count - 17)].elementsEqual("end ".utf8) else { throw .truncated }
        let body = String(decoding: bytes[..<(bytes.count - 21)], as: UTF8.self)
        let sum = String(decoding: bytes[(bytes.count - 17)..<(bytes.count - 1)], as: UTF8.self)
        guard UInt64(sum, radix: 16) == checksum(body) else { throw .checksumMismatch }
        let lines = body.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        guard lines.count >= 5, lines[0] == ["vigil-manifest", "1"] else { throw .malformed("not a version 1 manifest") }
        func field(_ index: Int, _ name: String) throws(CheckpointManifestError) -> String {
            guard lines[index].count == 2, lines[index][0] == name else { throw .malformed("line \(index + 1): expected \(name)") }
            return lines[index][1]
        }
        let job = try field(1, "job")
        guard let step = Int64(try field(2, "step")), let level = UInt8(try field(3, "level")).flatMap(CheckpointLevel.init),
              let world = Int(try field(4, "world")), world == lines.count - 5, SafeName.isValid(job) else {
            throw .malformed("step, level or world")
        }
        var shards: [Shard] = []
        for (index, words) in lines.dropFirst(5).enumerated() {
            guard words.count == 4, words[0] == "shard", Int(words[1]) == index, let bytes = UInt64(words[2]),
                  let sum = UInt64(words[3], radix: 16) else { throw .malformed("shard line \(index + 1)") }
            shards.append(Shard(rank: index, bytes: bytes, checksum: sum))
        }
        return CheckpointManifest(job: job, step: step, level: level, shards: shards)
    }

    static func checksum(_ text: String) -> UInt64 {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBytes { XXH3_64bits($0.baseAddress, $0.count) }
    }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

public enum CheckpointManifestError: Error, Equatable, CustomStringConvertible {
    case truncated
    case checksumMismatch
    case malformed(String)

    public var description: String {
        switch self {
        case .truncated: "manifest truncated (no end line)"
        case .checksumMismatch: "manifest checksum mismatch"
        case .malformed(let what): "malformed manifest: \(what)"
        }
    }
}
