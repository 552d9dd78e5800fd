import NIOCore
import VigilCore

/// ```
/// instances = string job | varint attempt | varint rank | varint n
///           | (svarint Δcommunicator | svarint Δseq | varint op | varint size | svarint ΔenterNs | varint durationNs
///              | svarint gapResidual | varint bytes)*
/// ```
/// Deltas against the previous event keep a run of one rank's instances on
/// a communicator to a few bytes each. The gap (compute since the rank's
/// previous collective) is sent as its difference from what the previous
/// event implies, `ΔenterNs − previous durationNs`: zero, one byte, when
/// that event was the rank's previous collective. All events of an item share one rank
/// (a world rank: it may exceed the communicator's size).
extension ByteBuffer {
    mutating func writeInstanceEvents(_ item: InstanceEvents) {
        writeName(item.job)
        writeVarint(UInt64(item.attempt))
        writeVarint(UInt64(item.events.first?.rank ?? 0))
        writeVarint(UInt64(item.events.count))
        var previous = (communicator: UInt64(0), seq: UInt64(0), enter: UInt64(0), duration: UInt64(0))
        for e in item.events {
            writeSignedVarint(Int64(bitPattern: e.communicator &- previous.communicator))
            writeSignedVarint(Int64(bitPattern: e.seq &- previous.seq))
            writeVarint(UInt64(e.op.rawValue))
            writeVarint(UInt64(e.communicatorSize))
            writeSignedVarint(Int64(bitPattern: e.enterNs &- previous.enter))
            writeVarint(e.durationNs)
            writeSignedVarint(Int64(bitPattern: e.gapNs &- Self.impliedGap(enter: e.enterNs, after: previous)))
            writeVarint(e.bytes)
            previous = (e.communicator, e.seq, e.enterNs, e.durationNs)
        }
    }

    private static func impliedGap(enter: UInt64, after previous: (communicator: UInt64, seq: UInt64, enter: UInt64, duration: UInt64))
        -> UInt64
    {
        previous.enter == 0 ? 0 : enter &- previous.enter &- previous.duration
    }

    mutating func readInstanceEvents() throws(WireError) -> InstanceEvents {
        let job = try readName("job")
        let attempt = try readAttempt()
        let rank = try readRank()
        let count = try readVarint(as: Int.self, in: 0...(readableBytes / 8), "instance count")
        var events: [InstanceEvent] = []
        events.reserveCapacity(count)
        var previous = (communicator: UInt64(0), seq: UInt64(0), enter: UInt64(0), duration: UInt64(0))
        for _ in 0..<count {
            let communicator = previous.communicator &+ UInt64(bitPattern: try readSignedVarint())
            let seq = previous.seq &+ UInt64(bitPattern: try readSignedVarint())
            let op = try readOp()
            let size = try readVarint(as: UInt32.self, in: 1...(1 << 24), "communicator size")
            let enter = previous.enter &+ UInt64(bitPattern: try readSignedVarint())
            let duration = try readVarint()
            let gap = Self.impliedGap(enter: enter, after: previous) &+ UInt64(bitPattern: try readSignedVarint())
            let bytes = try readVarint()
            events.append(InstanceEvent(communicator: communicator, seq: seq, op: op, communicatorSize: size,
                                        rank: rank, enterNs: enter, durationNs: duration, gapNs: gap, bytes: bytes))
            previous = (communicator, seq, enter, duration)
        }
        return InstanceEvents(job: job, attempt: attempt, events: events)
    }
}
