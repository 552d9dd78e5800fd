import VigilCore

/// A line a registered rank sends about its checkpoints (libvigil's
/// vigil_ckpt.c), `key=value` words, `why=` taking the rest of the line:
///
/// ```
/// COPYING step=20 world=4 bytes=1048576 copy_ns=0 job=train root=/local/ckpt
/// STAGED step=20 world=4 bytes=1048576 copy_ns=2100000 job=train root=/local/ckpt
/// SHARD step=20 world=4 bytes=1048724 xxh3=9f2c4e1a03b5d7e8 flush_ns=5100000 blocked_ns=40000 job=train root=/local/ckpt
/// FAILED step=25 world=4 job=train root=/local/ckpt why=cannot write …: No space left on device
/// RESTORED step=20 world=4 level=1 restore_ns=344000000 job=train root=/local/ckpt
/// REJECTED step=20 world=4 level=1 restore_ns=2000000 job=train root=/local/ckpt why=… checksum mismatch
/// ```
enum CheckpointLine {
    static let verbs: [String: CheckpointShardEvent.State] = ["SHARD": .durable, "FAILED": .failed,
                                                               "RESTORED": .restored, "REJECTED": .rejected,
                                                               "COPYING": .copying, "STAGED": .staged]

    /// The event `line` reports for the rank `identity`, or why it is refused.
    static func parse(_ line: String, identity: RankIdentity, atNs: UInt64) throws(CheckpointLineError) -> CheckpointShardEvent {
        var rest = Substring(line)
        var why = ""
        if let at = rest.range(of: " why=") {
            why = String(rest[at.upperBound...])
            rest = rest[..<at.lowerBound]
        }
        let words = rest.split(separator: " ")
        guard let verb = words.first, let state = verbs[String(verb)] else { throw .unknown(String(line.prefix(40))) }
        let fields = try KeyValueWords.parse(words.dropFirst()).mapError { CheckpointLineError.malformed($0.word) }.get()
        guard let step = fields["step"].flatMap(Int64.init), step >= 0 else { throw .malformed("step") }
        guard fields["world"].flatMap(Int.init) == identity.worldSize else { throw .malformed("world (not the rank's)") }
        guard let job = fields["job"], SafeName.isValid(job) else { throw .malformed("job (\(SafeName.rule))") }
        guard let root = fields["root"], root.hasPrefix("/"), root.utf8.count < 4_096 else { throw .malformed("root") }
        let level = try Self.level(fields["level"] ?? "1")
        var event = CheckpointShardEvent(job: job, step: step, rank: identity.rank, worldSize: identity.worldSize,
                                         attempt: identity.attempt, level: level, state: state, root: root,
                                         detail: String(why.prefix(1_024)), atNs: atNs)
        if state == .durable {
            guard let bytes = fields["bytes"].flatMap(UInt64.init), let sum = fields["xxh3"].flatMap({ UInt64($0, radix: 16) })
            else { throw .malformed("bytes or xxh3") }
            (event.bytes, event.checksum) = (bytes, sum)
            event.durationNs = fields["flush_ns"].flatMap(UInt64.init) ?? 0
            event.blockedNs = fields["blocked_ns"].flatMap(UInt64.init) ?? 0
        }
        if state == .restored { event.durationNs = fields["restore_ns"].flatMap(UInt64.init) ?? 0 }
        if state.isProgress {
            guard let bytes = fields["bytes"].flatMap(UInt64.init) else { throw .malformed("bytes") }
            event.bytes = bytes
            event.durationNs = fields["copy_ns"].flatMap(UInt64.init) ?? 0
        }
        return event
    }

    private static func level(_ text: String) throws(CheckpointLineError) -> CheckpointLevel {
        guard let raw = UInt8(text), let level = CheckpointLevel(rawValue: raw) else { throw .malformed("level") }
        return level
    }
}

enum CheckpointLineError: Error, CustomStringConvertible {
    case unknown(String)
    case malformed(String)

    var description: String {
        switch self {
        case .unknown(let start): "unknown request from a registered rank: \(start)"
        case .malformed(let field): "checkpoint line: bad \(field)"
        }
    }
}
