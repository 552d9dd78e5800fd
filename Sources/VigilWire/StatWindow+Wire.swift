import NIOCore
import VigilCore

/// ```
/// stats = string job | varint rank | varint communicator | varint op | u8 sizeBucket
///       | varint start | varint length | varint communicatorSize | varint count
///       | varint sum | varint min | varint max | varint bytes | varint failures
///       | varint buckets | (u8 index | varint n)*
/// ```
/// Durations are ns; the histogram is sparse (only non-zero buckets).
extension ByteBuffer {
    mutating func writeStatWindow(_ w: StatWindow) {
        writeName(w.job)
        writeVarint(UInt64(w.rank))
        writeVarint(w.key.communicator)
        writeVarint(UInt64(w.key.op.rawValue))
        writeInteger(w.key.sizeBucket)
        writeSpan(w.startNs, w.endNs)
        writeVarint(UInt64(w.communicatorSize))
        writeVarint(w.count)
        writeVarint(w.sumNs)
        writeVarint(w.count == 0 ? 0 : w.minNs)
        writeVarint(w.maxNs)
        writeVarint(w.bytes)
        writeVarint(w.failures)
        writeHistogram(w.histogram)
    }

    mutating func readStatWindow() throws(WireError) -> StatWindow {
        let job = try readName("job")
        let rank = try readRank()
        let communicator = try readVarint()
        let op = try readOp()
        guard let sizeBucket = readInteger(as: UInt8.self) else { throw .truncated("size bucket") }
        guard sizeBucket <= 64 else { throw .valueOutOfRange("size bucket") }
        let span = try readSpan("stat window span")
        var w = StatWindow(job: job, rank: rank, key: .init(communicator: communicator, op: op, sizeBucket: sizeBucket),
                           startNs: span.start, endNs: span.end)
        w.communicatorSize = try readVarint(as: UInt32.self, in: 0...(1 << 24), "communicator size")
        w.count = try readVarint()
        w.sumNs = try readVarint()
        w.minNs = try readVarint()
        w.maxNs = try readVarint()
        w.bytes = try readVarint()
        w.failures = try readVarint()
        guard w.failures <= w.count, w.count == 0 || w.minNs <= w.maxNs else {
            throw .valueOutOfRange("stat window figures")
        }
        if w.count == 0 { w.minNs = .max }
        w.histogram = try readHistogram()
        guard w.histogram.count == w.count else { throw .valueOutOfRange("histogram total") }
        return w
    }

    /// `varint buckets | (u8 index | varint n)*`, non-zero buckets in
    /// ascending order: on the wire and in the store's histogram columns.
    public mutating func writeHistogram(_ histogram: DurationHistogram) {
        writeVarint(UInt64(histogram.usedBuckets))
        for index in 0..<DurationHistogram.bucketCount {
            let n = histogram[index]
            if n > 0 {
                writeInteger(UInt8(index))
                writeVarint(n)
            }
        }
    }

    public mutating func readHistogram() throws(WireError) -> DurationHistogram {
        let used = try readVarint(as: Int.self, in: 0...DurationHistogram.bucketCount, "histogram buckets")
        var histogram = DurationHistogram()
        var previous = -1
        for _ in 0..<used {
            guard let index = readInteger(as: UInt8.self) else { throw .truncated("histogram bucket") }
            guard Int(index) > previous, Int(index) < DurationHistogram.bucketCount else {
                throw .valueOutOfRange("histogram bucket index")
            }
            histogram[Int(index)] = try readVarint()
            previous = Int(index)
        }
        return histogram
    }
}
