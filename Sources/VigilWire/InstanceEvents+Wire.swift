import NIOCore
import VigilCore

/// ```
/// instances = string job | varint rank | varint n
///           | (svarint Δcommunicator | svarint Δseq | varint op | varint size | svarint ΔenterNs | varint durationNs)*
/// ```
/// Deltas against the previous event keep a run of one rank's instances on
/// a communicator to a few bytes each. All events of an item share one rank
/// (a world rank: it may exceed the communicator's size).
extension ByteBuffer {
    mutating func writeInstanceEvents(_ item: InstanceEvents) {
        writeName(item.job)
        writeVarint(UInt64(item.events.first?.rank ?? 0))
        writeVarint(UInt64(item.events.count))
        var previous = (communicator: UInt64(0), seq: UInt64(0), enter: UInt64(0))
        for e in item.events {
            writeSignedVarint(Int64(bitPattern: e.communicator &- previous.communicator))
            writeSignedVarint(Int64(bitPattern: e.seq &- previous.seq))
            writeVarint(UInt64(e.op.rawValue))
            writeVarint(UInt64(e.communicatorSize))
            writeSignedVarint(Int64(bitPattern: e.enterNs &- previous.enter))
            writeVarint(e.durationNs)
            previous = (e.communicator, e.seq, e.enterNs)
        }
    }

    mutating func readInstanceEvents() throws(WireError) -> InstanceEvents {
        let job = try readName("job")
        let rank = try readRank()
        let count = try readVarint(as: Int.self, in: 0...(readableBytes / 6), "instance count")
        var events: [InstanceEvent] = []
        events.reserveCapacity(count)
        var previous = (communicator: UInt64(0), seq: UInt64(0), enter: UInt64(0))
        for _ in 0..<count {
            let communicator = previous.communicator &+ UInt64(bitPattern: try readSignedVarint())
            let seq = previous.seq &+ UInt64(bitPattern: try readSignedVarint())
            let op = try readOp()
            let size = try readVarint(as: UInt32.self, in: 1...(1 << 24), "communicator size")
            let enter = previous.enter &+ UInt64(bitPattern: try readSignedVarint())
            let duration = try readVarint()
            events.append(InstanceEvent(communicator: communicator, seq: seq, op: op, communicatorSize: size,
                                        rank: rank, enterNs: enter, durationNs: duration))
            previous = (communicator, seq, enter)
        }
        return InstanceEvents(job: job, events: events)
    }
}
