/// What the server has taken in: totals since it started and rates over
/// the last few seconds.
public struct ServerPulse: Sendable, Equatable, Codable {
    public var startedNs: UInt64
    public var agentsConnected: Int
    public var batches: UInt64
    /// Collectives inside the stored stat windows.
    public var records: UInt64
    public var batchesPerSecond: Double
    public var recordsPerSecond: Double
    /// Records per second, one a second, oldest first.
    public var history: [Double]

    public init(startedNs: UInt64, agentsConnected: Int, batches: UInt64, records: UInt64, batchesPerSecond: Double,
                recordsPerSecond: Double, history: [Double] = []) {
        self.startedNs = startedNs
        self.agentsConnected = agentsConnected
        self.batches = batches
        self.records = records
        self.batchesPerSecond = batchesPerSecond
        self.recordsPerSecond = recordsPerSecond
        self.history = history
    }
}
