/// What an agent's outbox has had to drop since it started (the spool was
/// full): reported upstream in every later batch, so the server's counters
/// reconcile — produced = stored + dropped.
public struct SpoolLoss: Sendable, Equatable, Codable {
    public var batches: UInt64 = 0
    /// Collectives inside the dropped stat windows.
    public var records: UInt64 = 0

    public init(batches: UInt64 = 0, records: UInt64 = 0) {
        self.batches = batches
        self.records = records
    }

    public mutating func record(_ batch: TelemetryBatch) {
        batches += 1
        for case .stats(let window) in batch.items { records += window.count }
    }
}
