/// The last `capacity` records of one rank, oldest first: what a postmortem
/// needs, in bounded memory.
public struct FlightRecorder: Sendable {
    public let capacity: Int
    private var buffer: [CollectiveRecord] = []
    private var next = 0

    public init(capacity: Int) {
        precondition(capacity > 0, "a flight recorder needs room for one record")
        self.capacity = capacity
        buffer.reserveCapacity(capacity)
    }

    public mutating func append(_ record: CollectiveRecord) {
        if buffer.count < capacity {
            buffer.append(record)
        } else {
            buffer[next] = record
        }
        next = (next + 1) % capacity
    }

    public var records: [CollectiveRecord] {
        buffer.count < capacity ? buffer : Array(buffer[next...] + buffer[..<next])
    }

    public var count: Int { buffer.count }
}
