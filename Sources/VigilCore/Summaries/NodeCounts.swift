/// The nodes of the cluster, counted, with what their agents lost.
public struct NodeCounts: Sendable, Equatable, Codable {
    public var total = 0
    /// Heard from within the down threshold.
    public var up = 0
    public var down = 0
    public var cordoned = 0
    /// Batches (and the collectives in them) agents' full spools dropped.
    public var lostBatches: UInt64 = 0
    public var lostRecords: UInt64 = 0
    /// Records ranks' full rings dropped, summed over the ranks known.
    public var droppedAtRanks: UInt64 = 0
    /// Records still in rings, not yet drained, as last reported.
    public var pendingAtRanks: UInt64 = 0

    public init(total: Int = 0, up: Int = 0, down: Int = 0, cordoned: Int = 0, lostBatches: UInt64 = 0,
                lostRecords: UInt64 = 0, droppedAtRanks: UInt64 = 0, pendingAtRanks: UInt64 = 0) {
        self.total = total
        self.up = up
        self.down = down
        self.cordoned = cordoned
        self.lostBatches = lostBatches
        self.lostRecords = lostRecords
        self.droppedAtRanks = droppedAtRanks
        self.pendingAtRanks = pendingAtRanks
    }
}
