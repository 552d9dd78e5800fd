import VigilCore

/// What the policy knows of the job and the cluster when it decides: the
/// attempt running, the nodes it may use, and what it can restart from.
public struct RecoveryContext: Sendable, Equatable {
    /// The attempt the incident is about.
    public var run: JobRun
    /// Nodes whose agents are connected now.
    public var liveNodes: Set<String>
    /// Nodes no launch may choose (whoever cordoned them).
    public var cordoned: Set<String>
    /// The job may run on this few nodes (`vigil launch --min-nodes`); nil: never shrink.
    public var minNodes: Int?
    /// The newest step complete at some level; nil: restart from scratch.
    public var restorableStep: Int64?
    /// For the slow classes: the slowdown seen (observed over expected), and since when.
    public var slowdown: Double?
    public var slowSinceNs: UInt64?

    public init(run: JobRun, liveNodes: Set<String>, cordoned: Set<String> = [], minNodes: Int? = nil,
                restorableStep: Int64? = nil, slowdown: Double? = nil, slowSinceNs: UInt64? = nil) {
        self.run = run
        self.liveNodes = liveNodes
        self.cordoned = cordoned
        self.minNodes = minNodes
        self.restorableStep = restorableStep
        self.slowdown = slowdown
        self.slowSinceNs = slowSinceNs
    }
}
