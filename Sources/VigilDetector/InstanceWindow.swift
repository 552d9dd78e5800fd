import VigilCore

/// A communicator's most recent complete blocking instances, bounded, and
/// what each of its (op, size) normally costs.
struct InstanceWindow: Sendable {
    /// What a collective normally costs depends on these: the op, how many
    /// take part, and the payload (to a power of two).
    struct OpKey: Hashable, Sendable {
        var op: CollectiveOp
        var size: Int
        var bytesBucket: Int
    }

    struct Entry: Sendable {
        var seq: UInt64
        var op: OpKey
        var gapLeader: Int
        var excessGapNs: UInt64
        var shortestNs: UInt64
        var atNs: UInt64
    }

    private var ring: [Entry] = []
    private var next = 0
    let capacity: Int
    private(set) var cost: [OpKey: Baseline] = [:]
    /// Whether it ever held enough instances in one window to be judged: a
    /// communicator that busy, later completing fewer, may be crawling.
    var wasJudged = false

    init(capacity: Int) { self.capacity = capacity }

    mutating func add(_ instance: InstanceSummary) {
        let op = OpKey(op: instance.op, size: instance.size, bytesBucket: 64 - instance.bytes.leadingZeroBitCount)
        let entry = Entry(seq: instance.seq, op: op,
                          gapLeader: instance.gapLeader,
                          excessGapNs: instance.excessGapNs,
                          shortestNs: instance.shortestNs, atNs: instance.atNs)
        if ring.count < capacity { ring.append(entry) } else { ring[next] = entry }
        next = (next + 1) % capacity
        cost[op, default: Baseline()].learn(Double(instance.shortestNs), atNs: instance.atNs)
    }

    /// Entries completed at or after `sinceNs`, oldest first.
    func recent(sinceNs: UInt64) -> [Entry] {
        (ring[next...] + ring[..<next]).filter { $0.atNs >= sinceNs }
    }


    mutating func follow(_ op: OpKey, typicalNs: Double) {
        cost[op]?.follow(typicalNs)
    }
}
