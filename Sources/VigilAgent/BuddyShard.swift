import VigilCore

/// What one agent tells its buddy's before a shard's bytes, one line:
///
/// ```
/// VIGIL-SHARD 1 job=train step=20 rank=3 world=4 bytes=1048724 xxh3=9f2c4e1a03b5d7e8 from=node-a
/// ```
///
/// then exactly `bytes` bytes, answered `OK` or `ERR <reason>` once they
/// are durable (or not) in the buddy's directory.
struct BuddyShard: Equatable {
    static let magic = "VIGIL-SHARD 1"
    /// Larger than any shard a rank writes; a header saying more is refused.
    static let maxBytes: UInt64 = 1 << 40

    var job: String
    var step: Int64
    var rank: Int
    var worldSize: Int
    var bytes: UInt64
    var checksum: UInt64
    /// The sending node.
    var from: String

    var line: String {
        "\(Self.magic) job=\(job) step=\(step) rank=\(rank) world=\(worldSize) bytes=\(bytes) "
            + "xxh3=\(String(checksum, radix: 16)) from=\(from)"
    }

    /// A header from the network: every field present and in range.
    init(line: String) throws(BuddyShardError) {
        guard line.hasPrefix(Self.magic + " ") else { throw .malformed("not a VIGIL-SHARD 1 header") }
        let words = line.dropFirst(Self.magic.count + 1).split(separator: " ")
        let fields = try KeyValueWords.parse(words).mapError { BuddyShardError.malformed($0.word) }.get()
        guard let job = fields["job"], SafeName.isValid(job) else { throw .malformed("job (\(SafeName.rule))") }
        guard let from = fields["from"], SafeName.isValid(from) else { throw .malformed("from (\(SafeName.rule))") }
        guard let step = fields["step"].flatMap(Int64.init), step >= 0 else { throw .malformed("step") }
        guard let world = fields["world"].flatMap(Int.init), (1...(1 << 24)).contains(world) else { throw .malformed("world") }
        guard let rank = fields["rank"].flatMap(Int.init), (0..<world).contains(rank) else { throw .malformed("rank") }
        guard let bytes = fields["bytes"].flatMap(UInt64.init), (24...Self.maxBytes).contains(bytes) else {
            throw .malformed("bytes")
        }
        guard let sum = fields["xxh3"].flatMap({ UInt64($0, radix: 16) }) else { throw .malformed("xxh3") }
        self.init(job: job, step: step, rank: rank, worldSize: world, bytes: bytes, checksum: sum, from: from)
    }

    init(job: String, step: Int64, rank: Int, worldSize: Int, bytes: UInt64, checksum: UInt64, from: String) {
        self.job = job
        self.step = step
        self.rank = rank
        self.worldSize = worldSize
        self.bytes = bytes
        self.checksum = checksum
        self.from = from
    }

    /// The event the buddy reports once the shard is durable in `root`.
    func event(root: String, durationNs: UInt64, atNs: UInt64) -> CheckpointShardEvent {
        var event = CheckpointShardEvent(job: job, step: step, rank: rank, worldSize: worldSize, level: .buddy, state: .durable,
                                         bytes: bytes, checksum: checksum, root: root, atNs: atNs)
        event.durationNs = durationNs
        return event
    }
}

enum BuddyShardError: Error, CustomStringConvertible {
    case malformed(String)
    case refused(String)
    case unreachable(String)

    var description: String {
        switch self {
        case .malformed(let what): "buddy shard header: bad \(what)"
        case .refused(let why): "the buddy refused the shard: \(why)"
        case .unreachable(let what): what
        }
    }
}
