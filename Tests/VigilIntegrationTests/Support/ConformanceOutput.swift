import Foundation
import VigilCore

/// What one rank of `vigil-conformance` wrote (agents/conformance/main.c):
/// each case's outcome, and the tally of calls libvigil claims to record.
struct ConformanceOutput {
    /// "NAME ok DIGEST" or "NAME FAIL what", in run order.
    var cases: [String] = []
    var finished = false
    /// Per communicator of the program (its label): size and op → calls.
    var collectives: [String: CommunicatorCalls] = [:]
    /// "send 2" / "recv 3" (world rank) → messages and bytes.
    var pointToPoint: [String: Traffic] = [:]

    struct CommunicatorCalls: Equatable, Hashable, CustomStringConvertible {
        var size: UInt32
        var ops: [UInt16: Int] = [:]
        var description: String {
            "size \(size): " + ops.sorted { $0.key < $1.key }
                .map { "\(CollectiveOp(rawValue: $0.key)?.name ?? "op\($0.key)")×\($0.value)" }.joined(separator: " ")
        }
    }

    struct Traffic: Equatable, CustomStringConvertible {
        var messages: UInt64 = 0
        var bytes: UInt64 = 0
        var description: String { "\(messages) messages, \(bytes) bytes" }
    }

    init(file: URL) throws {
        for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n") {
            let words = line.split(separator: " ").map(String.init)
            switch (words.first, words.count) {
            case ("case", 3...):
                cases.append(words[1...].joined(separator: " "))
            case ("tally", 6) where words[1] == "collective":
                guard let size = UInt32(words[3]), let op = UInt16(words[4]), let count = Int(words[5]) else { continue }
                collectives[words[2], default: CommunicatorCalls(size: size)].ops[op, default: 0] += count
            case ("tally", 5):
                guard let messages = UInt64(words[3]), let bytes = UInt64(words[4]) else { continue }
                pointToPoint["\(words[1]) \(words[2])"] = Traffic(messages: messages, bytes: bytes)
            case ("end", _):
                finished = true
            default:
                continue
            }
        }
    }

    /// The same view of what an agent recorded for one rank.
    init(records: [CollectiveRecord]) {
        finished = true
        var byCommunicator: [UInt64: CommunicatorCalls] = [:]
        for record in records {
            if record.op.isPointToPoint {
                let key = "\(record.op == .p2pSend ? "send" : "recv") \(record.peer)"
                pointToPoint[key, default: Traffic()].messages += record.seq
                pointToPoint[key, default: Traffic()].bytes += record.bytes
            } else {
                byCommunicator[record.communicator, default: CommunicatorCalls(size: record.communicatorSize)]
                    .ops[record.op.rawValue, default: 0] += 1
            }
        }
        for (id, calls) in byCommunicator { collectives[id == 1 ? "world" : String(id, radix: 16)] = calls }
    }

    var failures: [String] { cases.filter { $0.split(separator: " ")[1] != "ok" } }

    /// Communicators as a multiset (the program's labels and libvigil's ids
    /// differ), COMM_WORLD by name.
    var communicatorShapes: [String] {
        collectives.map { ($0.key == "world" ? "world " : "") + $0.value.description }.sorted()
    }
}
