import Logging
import Metrics
import Synchronization
import VigilCore

/// Batches waiting for the server's acknowledgement, oldest first, on disk
/// when a spool is configured. Bounded: when the server is away too long the
/// oldest batch is dropped, and the loss is counted and sent upstream.
final class Outbox: Sendable {
    struct State {
        var batches: [TelemetryBatch] = []
        var nextSeq: UInt64 = 1
        var losses = SpoolLoss()
    }

    /// Numbers this outbox's batches on the server: the spool's identity, or
    /// random per agent start without a spool.
    let identity: UInt64
    private let capacity: Int
    private let spool: Spool?
    private let logger: Logger
    private let state: Mutex<State>
    private let droppedBatches = Counter(label: "vigil_agent_outbox_dropped_batches_total")

    init(capacity: Int, spoolDirectory: String?, logger: Logger) throws {
        self.capacity = max(1, capacity)
        self.logger = logger
        var initial = State()
        if let spoolDirectory {
            let (spool, batches, next) = try Spool.open(spoolDirectory)
            self.spool = spool
            identity = spool.identity
            (initial.batches, initial.nextSeq) = (batches, next)
        } else {
            spool = nil
            identity = UInt64.random(in: 1...UInt64.max)
        }
        state = Mutex(initial)
    }

    /// Cut a batch from `items` (plus any loss not yet reported).
    func append(_ items: [TelemetryItem]) {
        state.withLock { s in
            if s.batches.count >= capacity { drop(&s) }
            var all = items
            if s.losses.batches > 0 { all.append(.loss(s.losses)) }
            let batch = TelemetryBatch(seq: s.nextSeq, items: all)
            s.nextSeq += 1
            s.batches.append(batch)
            do {
                try spool?.write(batch, nextSeq: s.nextSeq)
            } catch {
                logger.error("cannot spool batch; it is kept in memory only", metadata: ["reason": "\(error)"])
            }
        }
    }

    private func drop(_ s: inout State) {
        let oldest = s.batches.removeFirst()
        spool?.remove(oldest.seq)
        s.losses.record(oldest)
        droppedBatches.increment()
        logger.warning("outbox full, oldest batch dropped", metadata: [
            "batch": "\(oldest.seq)", "droppedBatches": "\(s.losses.batches)", "droppedRecords": "\(s.losses.records)"])
    }

    /// The server stored everything up to `through`.
    func acknowledge(through: UInt64) {
        state.withLock { s in
            while let first = s.batches.first, first.seq <= through {
                s.batches.removeFirst()
                spool?.remove(first.seq)
            }
        }
    }

    /// Batches numbered after `sent`, at most `limit` of them.
    func unsent(after sent: UInt64, limit: Int) -> [TelemetryBatch] {
        state.withLock { s in Array(s.batches.lazy.filter { $0.seq > sent }.prefix(limit)) }
    }

    var pending: Int { state.withLock { $0.batches.count } }
}
