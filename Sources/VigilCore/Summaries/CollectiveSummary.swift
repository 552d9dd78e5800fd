/// One communicator's op over a recent window, all its ranks together: how
/// often, how long, how fast, and who arrives last (the member spending the
/// least time inside waits for no one: the others wait for it).
public struct CollectiveSummary: Sendable, Equatable, Codable {
    public var communicator: UInt64
    public var op: CollectiveOp
    /// Members of the communicator, and how many of them reported.
    public var size: Int
    public var ranks: Int
    /// Calls per member (the most any member made in the window).
    public var calls: UInt64
    /// Time inside the call over every member's calls (histogram bucket bounds).
    public var p50Ns: UInt64
    public var p99Ns: UInt64
    /// nccl-tests' bus bandwidth from the members' mean time inside; nil when it says nothing.
    public var busBandwidth: Double?
    /// The member with the shortest mean time inside, and that time against the others' mean.
    public var lastArriver: Int?
    public var lastArriverMeanNs: UInt64
    public var othersMeanNs: UInt64

    public init(communicator: UInt64, op: CollectiveOp, size: Int, ranks: Int, calls: UInt64, p50Ns: UInt64,
                p99Ns: UInt64, busBandwidth: Double?, lastArriver: Int?, lastArriverMeanNs: UInt64, othersMeanNs: UInt64) {
        self.communicator = communicator
        self.op = op
        self.size = size
        self.ranks = ranks
        self.calls = calls
        self.p50Ns = p50Ns
        self.p99Ns = p99Ns
        self.busBandwidth = busBandwidth
        self.lastArriver = lastArriver
        self.lastArriverMeanNs = lastArriverMeanNs
        self.othersMeanNs = othersMeanNs
    }
}

/// Collectives over the last `seconds` of a job, as the API answers.
public struct CollectiveSummaries: Sendable, Equatable, Codable {
    public var job: String
    public var takenNs: UInt64
    public var seconds: Int
    public var items: [CollectiveSummary]

    public init(job: String, takenNs: UInt64, seconds: Int, items: [CollectiveSummary]) {
        self.job = job
        self.takenNs = takenNs
        self.seconds = seconds
        self.items = items
    }
}
