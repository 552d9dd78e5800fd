import GRDB
import Synchronization
import VigilCore

/// Batches from every agent connection, written together: whatever arrived
/// while the previous transaction was committing goes into the next one,
/// each batch in its own savepoint so one bad batch fails alone. With a
/// thousand agents this turns a thousand commits a second into a few.
final class GroupCommit: Sendable {
    private struct Pending {
        let batch: TelemetryBatch
        let node: String
        let receivedAtNs: UInt64
        let done: CheckedContinuation<Bool, any Error>
    }

    private struct State {
        var queue: [Pending] = []
        var writing = false
    }

    private let pool: DatabasePool
    private let state = Mutex(State())
    private let known = KnownCommunicators()

    init(pool: DatabasePool) {
        self.pool = pool
    }

    /// Resumes once the batch's transaction committed (true) or it was a
    /// replay (false).
    func store(_ batch: TelemetryBatch, from node: String, receivedAtNs: UInt64) async throws -> Bool {
        try await withCheckedThrowingContinuation { done in
            let startWriter = state.withLock { s in
                s.queue.append(Pending(batch: batch, node: node, receivedAtNs: receivedAtNs, done: done))
                defer { s.writing = true }
                return !s.writing
            }
            if startWriter { Task { await drain() } }
        }
    }

    private func drain() async {
        while true {
            let work = state.withLock { s in
                defer { s.queue.removeAll(keepingCapacity: true) }
                if s.queue.isEmpty { s.writing = false }
                return s.queue
            }
            guard !work.isEmpty else { return }
            do {
                let outcomes = try await pool.write { db in
                    try work.map { pending -> Result<Bool, any Error> in
                        let writer = BatchWriter(db: db, node: pending.node, receivedAtNs: pending.receivedAtNs, known: known)
                        guard work.count > 1 else { return .success(try writer.write(pending.batch)) }
                        var stored = false
                        do {
                            try db.inSavepoint {  // alone in its group, a batch needs none
                                stored = try writer.write(pending.batch)
                                return .commit
                            }
                            return .success(stored)
                        } catch {
                            return .failure(error)
                        }
                    }
                }
                for (pending, outcome) in zip(work, outcomes) { pending.done.resume(with: outcome) }
            } catch {
                for pending in work { pending.done.resume(throwing: error) }
            }
        }
    }
}
