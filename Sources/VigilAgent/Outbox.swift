import Synchronization
import VigilCore

/// Batches waiting for the server's acknowledgement, oldest first, bounded:
/// when the server is away too long the oldest batch is dropped and counted.
final class Outbox: Sendable {
    struct State {
        var batches: [TelemetryBatch] = []
        var nextSeq: UInt64 = 1
        var welcomed = false
        var droppedBatches: UInt64 = 0
    }

    private let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    func append(_ items: [TelemetryItem]) {
        state.withLock { s in
            if s.batches.count >= capacity {
                s.batches.removeFirst()
                s.droppedBatches += 1
            }
            s.batches.append(TelemetryBatch(seq: s.nextSeq, items: items))
            s.nextSeq += 1
        }
    }

    /// The server stored everything up to `through`.
    func acknowledge(through: UInt64) {
        state.withLock { s in s.batches.removeAll { $0.seq <= through } }
    }

    /// A (re)connection was welcomed with the node's last stored batch.
    /// A fresh agent numbers on from there; a reconnecting one forgets what
    /// the server already has.
    func resume(after stored: UInt64) {
        state.withLock { s in
            if !s.welcomed && (s.batches.first?.seq ?? s.nextSeq) <= stored {
                for index in s.batches.indices { s.batches[index].seq = stored + 1 + UInt64(index) }
                s.nextSeq = stored + 1 + UInt64(s.batches.count)
            }
            s.welcomed = true
            s.batches.removeAll { $0.seq <= stored }
        }
    }

    /// Batches numbered after `sent`, at most `limit` of them.
    func unsent(after sent: UInt64, limit: Int) -> [TelemetryBatch] {
        state.withLock { s in Array(s.batches.lazy.filter { $0.seq > sent }.prefix(limit)) }
    }

    var counts: (pending: Int, dropped: UInt64) {
        state.withLock { ($0.batches.count, $0.droppedBatches) }
    }
}
