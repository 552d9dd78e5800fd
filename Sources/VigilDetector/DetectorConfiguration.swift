/// Thresholds, all relative to the job's own steady state where they can be.
public struct DetectorConfiguration: Sendable, Equatable {
    /// A collective counts as hung when it has waited `hangStepMultiple`
    /// typical collective intervals of its communicator, never less than this.
    public var hangFloorNs: UInt64 = 2_000_000_000
    public var hangStepMultiple: Double = 20
    /// A node whose last heartbeat is older than this, with ranks running, is
    /// down; a running rank not reported for this long, on a live node, is silent.
    public var heartbeatTimeoutNs: UInt64 = 2_000_000_000
    /// A node not heard for this long (agents report every second) may be
    /// going down: hangs blamed on it wait for the verdict (withoutPendingCause).
    public var heartbeatLateNs: UInt64 = 1_200_000_000
    /// Crashed ranks that ended within this of each other (more than the
    /// agents' clock skew apart, the order tells) ended together.
    public var crashOrderMarginNs: UInt64 = 2_000_000
    /// At least this many nodes lost within `correlationWindowNs` of each
    /// other are one event (the server's network, or the server).
    public var correlatedNodes = 3
    public var correlationWindowNs: UInt64 = 5_000_000_000
    /// Ranks not reported for this long (ended, or on a dead node) are
    /// forgotten, and with them their crash or node-down incidents.
    public var forgetEndedNs: UInt64 = 600_000_000_000
    /// A standing incident's growing numbers are reported this often.
    public var refreshNs: UInt64 = 5_000_000_000

    /// Slowness is judged over a communicator's last `windowInstances`
    /// complete instances of the last `windowNs`, and only with at least
    /// `minimumInstances` of them.
    public var windowInstances = 64
    public var windowNs: UInt64 = 20_000_000_000
    public var minimumInstances = 12

    /// A straggler arrives last in at least this share of the window's instances…
    public var stragglerShare = 0.6
    /// …and, once raised, stays one while it leads at least this share (hysteresis).
    public var stragglerClearShare = 0.4
    /// …and the others wait for it at least this fraction of the collective
    /// interval, and at least `stragglerLagFloorNs`.
    public var stragglerLagFraction = 0.2
    public var stragglerLagFloorNs: UInt64 = 200_000

    /// Communication is slow when a collective, every member present, costs
    /// this many times its normal, and at least `communicationSlowFloorNs` more.
    public var communicationSlowFactor = 2.0
    public var communicationSlowFloorNs: UInt64 = 300_000
    /// Once raised, communication stays slow while it costs this multiple.
    public var communicationClearFactor = 1.5
    /// A slowness not found any more is resolved only after this long (it
    /// may come back: one incident, its occurrences counted)…
    public var slowResolveAfterNs: UInt64 = 60_000_000_000
    /// …and counts as having come back after a gap of at least this.
    public var occurrenceGapNs: UInt64 = 2_000_000_000
    /// A rank whose cgroup is CPU-throttled this share of the time is slow by its own CPU.
    public var throttledShare = 0.05
    /// A node is contended when its CPU pressure (‰ stalled) rises this far above its own normal.
    public var contentionRisePermille = 250.0
    /// A slowness across hosts is judged once a probe round since it began
    /// has measured the links, or after this long without one.
    public var probeWaitNs: UInt64 = 20_000_000_000
    /// Slowness (straggler, communication) is raised once it has lasted this long.
    public var slowPersistNs: UInt64 = 3_000_000_000
    /// A probed node pair runs degraded below this fraction of the round's median…
    public var linkDegradedFraction = 0.5
    /// …and a probe counts for this long (longer than the server waits between rounds).
    public var probeValidityNs: UInt64 = 120_000_000_000

    /// Programs paced by point-to-point traffic (PointToPointStraggler): the
    /// rank its peers wait on while it computes is a straggler, judged over
    /// this window from the ranks' wait profiles…
    public var pointToPointWindowNs: UInt64 = 10_000_000_000
    /// …when a waiter spends at least this share of its time blocked on it…
    public var pointToPointWaitShare = 0.25
    /// …it computes at least half the time, and this share of the time more
    /// than its waiters (median; halved when its cgroup is throttled)…
    public var pointToPointComputeGap = 0.15
    /// …and the others' waiting falls on it at least this multiple of any
    /// other rank (1.15 when throttled). Measured on the bench, 4 ranks on
    /// 2 cores: healthy pipeline and halo exchange 1.0× and gap 0.0; one rank
    /// at 25% of a CPU 1.6–2.2× and gap 0.21–0.30.
    public var pointToPointMargin = 1.3
    /// Communication is slow in such a program when it runs this many times
    /// slower than normal for the same compute, every rank present and none
    /// computing more than normal (PointToPointSlowdown); it stays slow while
    /// at `pointToPointClearFactor`. Lower than a collective's factor: the
    /// pace of the whole job over a window moves less than one collective's
    /// cost. Measured on the bench: healthy pipeline and halo exchange
    /// within 1.05× of normal; a pipeline stage's link cut from 100 to
    /// 25 Mbit/s 2.2×.
    public var pointToPointSlowFactor = 1.6
    public var pointToPointClearFactor = 1.3

    public init() {}
}
