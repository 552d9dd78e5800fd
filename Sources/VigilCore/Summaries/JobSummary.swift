/// One job in the cluster summary: how its ranks are, its latest attempt,
/// and its pulse (collectives completed per rank per second, one a second,
/// oldest first) for the sparkline.
public struct JobSummary: Sendable, Equatable, Codable {
    public struct RankCounts: Sendable, Equatable, Codable {
        public var running = 0
        public var stopped = 0
        public var finished = 0
        public var died = 0

        public init(running: Int = 0, stopped: Int = 0, finished: Int = 0, died: Int = 0) {
            self.running = running
            self.stopped = stopped
            self.finished = finished
            self.died = died
        }

        public mutating func count(_ status: RankStatus) {
            switch status {
            case .running: running += 1
            case .stopped: stopped += 1
            case .finished: finished += 1
            case .died: died += 1
            }
        }

        public var total: Int { running + stopped + finished + died }
    }

    public var job: String
    public var worldSize: Int
    public var ranks: RankCounts
    /// Nodes the job's ranks are on.
    public var nodes: Int
    /// The latest attempt `vigil launch` made, if it made one.
    public var attempt: Int?
    public var runState: JobRun.State?
    public var pace: [Double]
    public var openIncidents: Int
    /// Ranks blocked in a collective for longer than a second, right now.
    public var waitingRanks: Int

    public init(job: String, worldSize: Int, ranks: RankCounts, nodes: Int, attempt: Int? = nil,
                runState: JobRun.State? = nil, pace: [Double] = [], openIncidents: Int = 0, waitingRanks: Int = 0) {
        self.job = job
        self.worldSize = worldSize
        self.ranks = ranks
        self.nodes = nodes
        self.attempt = attempt
        self.runState = runState
        self.pace = pace
        self.openIncidents = openIncidents
        self.waitingRanks = waitingRanks
    }

    /// "running", "degraded" (some rank stopped or died), "ended", or the run's own state.
    public var state: String {
        if ranks.running + ranks.stopped == 0 { return runState == .running ? "starting" : "ended" }
        if ranks.stopped + ranks.died > 0 { return "degraded" }
        return "running"
    }
}
