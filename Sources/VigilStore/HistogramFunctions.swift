import Foundation
import GRDB
import NIOCore
import VigilCore
import VigilWire

/// SQL functions over histogram columns (the sparse wire encoding), so
/// roll-ups keep p50/p99 instead of dropping them:
/// `vigil_histogram_sum(h)` aggregates rows, `vigil_histogram_merge(a, b)`
/// adds two. A column that does not decode is an error, not a silent zero.
enum HistogramFunctions {
    static let merge = DatabaseFunction("vigil_histogram_merge", argumentCount: 2, pure: true) { values in
        var sum = try decode(values[0])
        sum.merge(try decode(values[1]))
        return encode(sum)
    }

    static let sum = DatabaseFunction("vigil_histogram_sum", argumentCount: 1, pure: true, aggregate: Sum.self)

    static func install(in db: Database) {
        db.add(function: merge)
        db.add(function: sum)
    }

    struct Sum: DatabaseAggregate {
        private var total = DurationHistogram()
        init() {}
        mutating func step(_ values: [DatabaseValue]) throws { total.merge(try decode(values[0])) }
        func finalize() -> (any DatabaseValueConvertible)? { encode(total) }
    }

    static func encode(_ histogram: DurationHistogram) -> Data {
        var buffer = ByteBuffer()
        buffer.writeHistogram(histogram)
        return Data(buffer.readableBytesView)
    }

    static func decode(_ value: DatabaseValue) throws -> DurationHistogram {
        guard let data = Data.fromDatabaseValue(value) else { throw HistogramColumnError(reason: "not a blob") }
        var buffer = ByteBuffer(bytes: data)
        do {
            let histogram = try buffer.readHistogram()
            guard buffer.readableBytes == 0 else { throw HistogramColumnError(reason: "trailing bytes") }
            return histogram
        } catch let error as WireError {
            throw HistogramColumnError(reason: error.description)
        }
    }
}

struct HistogramColumnError: Error, CustomStringConvertible {
    let reason: String
    var description: String { "histogram column does not decode: \(reason)" }
}
