import NIOCore
import VigilCore

/// `batch = varint seq | varint count | item*`, `item = u8 tag | body`.
extension TelemetryBatch {
    enum Tag: UInt8 {
        case health = 1
        case rank = 2
        case stats = 3
        case link = 4
        case loss = 5
        case instances = 6
        case run = 7
        case probe = 8
        case checkpointShard = 9
        case checkpointManifest = 10
        case jobControl = 11
    }

    public var frame: Frame {
        var payload = ByteBuffer()
        payload.writeVarint(seq)
        payload.writeVarint(UInt64(items.count))
        for item in items { payload.writeTelemetryItem(item) }
        return Frame(kind: .batch, payload: payload)
    }

    public init(frame: Frame) throws(WireError) {
        guard frame.kind == .batch else { throw .unexpected("\(frame.kind) frame, expected batch") }
        var payload = frame.payload
        let seq = try payload.readVarint()
        guard seq > 0 else { throw .valueOutOfRange("batch number (starts at 1)") }
        // every item takes at least two bytes: a count beyond that is a lie
        let count = try payload.readVarint(as: Int.self, in: 0...(payload.readableBytes / 2), "item count")
        var items: [TelemetryItem] = []
        items.reserveCapacity(count)
        for _ in 0..<count { items.append(try payload.readTelemetryItem()) }
        try payload.expectFullyRead("batch")
        self.init(seq: seq, items: items)
    }
}

extension ByteBuffer {
    mutating func writeTelemetryItem(_ item: TelemetryItem) {
        switch item {
        case .health(let health):
            writeInteger(TelemetryBatch.Tag.health.rawValue)
            writeNodeHealth(health)
        case .rank(let rank):
            writeInteger(TelemetryBatch.Tag.rank.rawValue)
            writeRankSnapshot(rank)
        case .stats(let window):
            writeInteger(TelemetryBatch.Tag.stats.rawValue)
            writeStatWindow(window)
        case .link(let window):
            writeInteger(TelemetryBatch.Tag.link.rawValue)
            writeLinkWindow(window)
        case .loss(let loss):
            writeInteger(TelemetryBatch.Tag.loss.rawValue)
            writeVarint(loss.batches)
            writeVarint(loss.records)
        case .instances(let item):
            writeInteger(TelemetryBatch.Tag.instances.rawValue)
            writeInstanceEvents(item)
        case .run(let run):
            writeInteger(TelemetryBatch.Tag.run.rawValue)
            writeJobRun(run)
        case .probe(let probe):
            writeInteger(TelemetryBatch.Tag.probe.rawValue)
            writeLinkProbe(probe)
        case .checkpointShard(let event):
            writeInteger(TelemetryBatch.Tag.checkpointShard.rawValue)
            writeCheckpointShard(event)
        case .checkpointManifest(let event):
            writeInteger(TelemetryBatch.Tag.checkpointManifest.rawValue)
            writeCheckpointManifestEvent(event)
        case .jobControl(let reply):
            writeInteger(TelemetryBatch.Tag.jobControl.rawValue)
            writeJobControlReply(reply)
        }
    }

    mutating func readTelemetryItem() throws(WireError) -> TelemetryItem {
        guard let raw = readInteger(as: UInt8.self) else { throw .truncated("item tag") }
        switch TelemetryBatch.Tag(rawValue: raw) {
        case .health: return .health(try readNodeHealth())
        case .rank: return .rank(try readRankSnapshot())
        case .stats: return .stats(try readStatWindow())
        case .link: return .link(try readLinkWindow())
        case .loss: return .loss(SpoolLoss(batches: try readVarint(), records: try readVarint()))
        case .instances: return .instances(try readInstanceEvents())
        case .run: return .run(try readJobRun())
        case .probe: return .probe(try readLinkProbe())
        case .checkpointShard: return .checkpointShard(try readCheckpointShard())
        case .checkpointManifest: return .checkpointManifest(try readCheckpointManifestEvent())
        case .jobControl: return .jobControl(try readJobControlReply())
        case nil: throw .valueOutOfRange("item tag \(raw)")
        }
    }

    // Fields shared by several items.

    mutating func writeName(_ name: String) { writeWireString(name) }

    /// Checked in place, then decoded once: names come with every item.
    mutating func readName(_ what: String) throws(WireError) -> String {
        let length = try readVarint()
        guard length <= UInt64(SafeName.maxLength) else { throw .stringTooLong(what, limit: SafeName.maxLength) }
        guard let bytes = viewBytes(at: readerIndex, length: Int(length)) else { throw .truncated(what) }
        guard SafeName.isValid(utf8: bytes) else { throw .valueOutOfRange("\(what) (must be \(SafeName.rule))") }
        guard let name = readString(length: Int(length)) else { throw .truncated(what) }
        return name
    }

    mutating func readRank(_ what: String = "rank") throws(WireError) -> Int {
        try readVarint(as: Int.self, in: 0...(1 << 24), what)
    }

    mutating func readAttempt() throws(WireError) -> Int {
        try readVarint(as: Int.self, in: RankIdentity.attempts, "attempt")
    }

    mutating func writeSpan(_ start: UInt64, _ end: UInt64) {
        writeVarint(start)
        writeVarint(end - start)
    }

    mutating func readSpan(_ what: String) throws(WireError) -> (start: UInt64, end: UInt64) {
        let start = try readVarint()
        let length = try readVarint()
        guard start <= UInt64.max - length else { throw .valueOutOfRange(what) }
        return (start, start + length)
    }

    mutating func readOp() throws(WireError) -> CollectiveOp {
        let raw = try readVarint(as: UInt16.self, in: 0...UInt16.max, "op")
        guard let op = CollectiveOp(rawValue: raw) else { throw .valueOutOfRange("op \(raw)") }
        return op
    }
}
