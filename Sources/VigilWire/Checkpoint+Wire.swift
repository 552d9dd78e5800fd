import NIOCore
import VigilCore

/// ```
/// shard    = string job | svarint step | varint rank | varint worldSize | varint attempt (0: an agent's copy) | u8 level
///          | u8 state (0 durable, 1 failed, 2 restored, 3 rejected, 4 copying, 5 staged)
///          | varint bytes | u64 checksum | varint durationNs | varint blockedNs
///          | string root | string detail | varint atNs                                      (item 9)
/// manifest = string job | svarint step | u8 level | string root
///          | u8 outcome (0 failed, 1 written, 2 removed, 3 verified) | string detail | varint atNs (item 10)
/// commit   = string root | string manifestText                                      (frame kind 19)
/// remove   = string job | svarint step | u8 level | string root                     (frame kind 20)
/// replicate = string job | svarint step | varint worldSize | string root | string buddy
///          | string host | varint port | varint n | n × (varint rank | varint bytes | u64 checksum)  (frame kind 21)
/// ```
extension ByteBuffer {
    static let maxPathBytes = 4_096
    static let maxDetailBytes = 1_024

    mutating func writeCheckpointShard(_ e: CheckpointShardEvent) {
        writeName(e.job)
        writeSignedVarint(e.step)
        writeVarint(UInt64(e.rank))
        writeVarint(UInt64(e.worldSize))
        writeVarint(UInt64(e.attempt))
        writeInteger(e.level.rawValue)
        writeInteger(e.state.rawValue)
        writeVarint(e.bytes)
        writeInteger(e.checksum)
        writeVarint(e.durationNs)
        writeVarint(e.blockedNs)
        writeWireString(e.root)
        writeWireString(e.detail)
        writeVarint(e.atNs)
    }

    mutating func readCheckpointShard() throws(WireError) -> CheckpointShardEvent {
        let job = try readName("checkpoint job")
        let step = try readStep()
        let rank = try readRank()
        let world = try readVarint(as: Int.self, in: 1...(1 << 24), "world size")
        guard rank < world else { throw .valueOutOfRange("rank (not below world size)") }
        let attempt = try readVarint(as: Int.self, in: 0...RankIdentity.attempts.upperBound, "attempt")
        let level = try readLevel()
        guard let raw = readInteger(as: UInt8.self), let state = CheckpointShardEvent.State(rawValue: raw) else {
            throw .valueOutOfRange("shard state")
        }
        let bytes = try readVarint()
        guard let checksum = readInteger(as: UInt64.self) else { throw .truncated("shard checksum") }
        let duration = try readVarint(), blocked = try readVarint()
        var event = CheckpointShardEvent(job: job, step: step, rank: rank, worldSize: world, attempt: attempt, level: level,
                                         state: state, bytes: bytes, checksum: checksum, root: try readPath(),
                                         detail: try readWireString(maxLength: Self.maxDetailBytes, "detail"), atNs: try readVarint())
        (event.durationNs, event.blockedNs) = (duration, blocked)
        return event
    }

    mutating func writeCheckpointManifestEvent(_ e: CheckpointManifestEvent) {
        writeName(e.job)
        writeSignedVarint(e.step)
        writeInteger(e.level.rawValue)
        writeWireString(e.root)
        writeInteger(e.outcome.rawValue)
        writeWireString(e.detail)
        writeVarint(e.atNs)
    }

    mutating func readCheckpointManifestEvent() throws(WireError) -> CheckpointManifestEvent {
        let job = try readName("checkpoint job")
        let step = try readStep()
        let level = try readLevel()
        let root = try readPath()
        guard let raw = readInteger(as: UInt8.self), let outcome = CheckpointManifestEvent.Outcome(rawValue: raw) else {
            throw .valueOutOfRange("manifest outcome")
        }
        return CheckpointManifestEvent(job: job, step: step, level: level, root: root, outcome: outcome,
                                       detail: try readWireString(maxLength: Self.maxDetailBytes, "detail"), atNs: try readVarint())
    }

    fileprivate mutating func readStep() throws(WireError) -> Int64 {
        let step = try readSignedVarint()
        guard step >= 0 else { throw .valueOutOfRange("checkpoint step") }
        return step
    }

    fileprivate mutating func readLevel() throws(WireError) -> CheckpointLevel {
        guard let raw = readInteger(as: UInt8.self), let level = CheckpointLevel(rawValue: raw) else {
            throw .valueOutOfRange("checkpoint level")
        }
        return level
    }

    /// An absolute path, no NUL.
    mutating func readPath() throws(WireError) -> String {
        let path = try readWireString(maxLength: Self.maxPathBytes, "path")
        guard path.hasPrefix("/"), !path.utf8.contains(0) else { throw .valueOutOfRange("path (must be absolute)") }
        return path
    }
}

extension CheckpointLedger.Commit {
    public var frame: Frame {
        var payload = ByteBuffer()
        payload.writeWireString(root)
        payload.writeWireString(manifest.text)
        return Frame(kind: .checkpointCommit, payload: payload)
    }

    /// The commit a frame asks for; the manifest's own checksum is checked too.
    public init(frame: Frame, node: String) throws(WireError) {
        guard frame.kind == .checkpointCommit else { throw .unexpected("\(frame.kind) frame, expected checkpoint commit") }
        var payload = frame.payload
        let root = try payload.readPath()
        let text = try payload.readWireString(maxLength: 1 << 26, "manifest")
        try payload.expectFullyRead("checkpoint commit")
        do {
            self.init(node: node, root: root, manifest: try CheckpointManifest.parse(text))
        } catch {
            throw .valueOutOfRange("manifest: \(error)")
        }
    }
}

extension CheckpointRemoval {
    public var frame: Frame {
        var payload = ByteBuffer()
        payload.writeName(key.job)
        payload.writeSignedVarint(key.step)
        payload.writeInteger(key.level.rawValue)
        payload.writeWireString(root)
        return Frame(kind: .checkpointRemove, payload: payload)
    }

    public init(frame: Frame) throws(WireError) {
        guard frame.kind == .checkpointRemove else { throw .unexpected("\(frame.kind) frame, expected checkpoint removal") }
        var payload = frame.payload
        let job = try payload.readName("checkpoint job")
        let step = try payload.readStep()
        let level = try payload.readLevel()
        let root = try payload.readPath()
        try payload.expectFullyRead("checkpoint removal")
        self.init(key: CheckpointLedger.Key(job: job, step: step, level: level), root: root)
    }
}

extension CheckpointReplication {
    public var frame: Frame {
        var payload = ByteBuffer()
        payload.writeName(job)
        payload.writeSignedVarint(step)
        payload.writeVarint(UInt64(worldSize))
        payload.writeWireString(root)
        payload.writeWireString(buddy)
        payload.writeWireString(host)
        payload.writeVarint(UInt64(port))
        payload.writeVarint(UInt64(shards.count))
        for shard in shards {
            payload.writeVarint(UInt64(shard.rank))
            payload.writeVarint(shard.bytes)
            payload.writeInteger(shard.checksum)
        }
        return Frame(kind: .checkpointReplicate, payload: payload)
    }

    public init(frame: Frame) throws(WireError) {
        guard frame.kind == .checkpointReplicate else { throw .unexpected("\(frame.kind) frame, expected checkpoint replication") }
        var payload = frame.payload
        let job = try payload.readName("checkpoint job")
        let step = try payload.readStep()
        let world = try payload.readVarint(as: Int.self, in: 1...(1 << 24), "world size")
        let root = try payload.readPath()
        let buddy = try payload.readName("buddy node")
        let host = try payload.readWireString(maxLength: 255, "buddy host")
        let port = try payload.readVarint(as: Int.self, in: 1...65_535, "buddy port")
        let count = try payload.readVarint(as: Int.self, in: 0...world, "shard count")
        var shards: [CheckpointManifest.Shard] = []
        for _ in 0..<count {
            let rank = try payload.readVarint(as: Int.self, in: 0...(world - 1), "rank")
            let bytes = try payload.readVarint()
            guard let checksum = payload.readInteger(as: UInt64.self) else { throw .truncated("shard checksum") }
            shards.append(.init(rank: rank, bytes: bytes, checksum: checksum))
        }
        try payload.expectFullyRead("checkpoint replication")
        self.init(job: job, step: step, worldSize: world, root: root, shards: shards, buddy: buddy, host: host, port: port)
    }
}
