import VigilCore

/// Localizes faults from what the server hears, C4's way: comparing the
/// members of one collective instance, and watching exits and heartbeats.
/// Pure: fed snapshots and heartbeats with their times, asked to evaluate
/// at a time; no clock, no I/O.
public struct Detector: Sendable {
    struct RankKey: Hashable {
        var job: String
        var rank: Int
    }

    struct Observed {
        var snapshot: RankSnapshot
        var node: String
        var atNs: UInt64
        /// When the server first heard that this rank failed.
        var failedSinceNs: UInt64?
        /// Smoothed share of wall time its cgroup was CPU-throttled.
        var throttledShare: Double = 0

        var failed: Bool {
            snapshot.status == .died || (snapshot.status == .finished && (snapshot.exitStatus ?? 0) != 0)
        }
    }

    struct CommunicatorKey: Hashable {
        var job: String
        var communicator: UInt64
    }

    public let configuration: DetectorConfiguration
    /// What the telemetry says (ranks, nodes, instances, links, waits).
    var observed: Observations
    /// The attempt followed per job (Detector+Attempts).
    var attempts: [String: Int] = [:]
    /// Per job, the attempt the server is stopping (`stopping(job:attempt:)`).
    var tearingDown: [String: Int] = [:]
    /// Running members per communicator, as of the last evaluation.
    var communicatorMembers: [CommunicatorKey: [Observed]] = [:]
    /// What the last evaluation wants captured member by member for evidence (read by the monitor).
    var timelinesWanted: [CommunicatorKey: InstanceCapture.Want] = [:]
    /// The incidents raised and open, from one evaluation to the next.
    var book: IncidentBook
    /// Which slowness across hosts waits for a probe round, and since when.
    var probes = ProbeGate()

    public init(configuration: DetectorConfiguration = DetectorConfiguration()) {
        self.configuration = configuration
        self.book = IncidentBook(configuration: configuration)
        self.observed = Observations(configuration: configuration)
    }

    public mutating func observe(_ snapshot: RankSnapshot, node: String, atNs: UInt64) {
        observed.observe(snapshot, node: node, atNs: atNs)
    }

    /// A node's heartbeat health: how contended its CPUs are, which links are down.
    public mutating func observe(_ health: NodeHealth, node: String, atNs: UInt64) {
        observed.observe(health, node: node, atNs: atNs)
    }

    /// The address the server hears `node`'s agent from (its management network).
    public mutating func observe(node: String, managementAddress: String) {
        observed.observe(node: node, managementAddress: managementAddress)
    }

    /// A complete instance from the server's join: straggler and slowness evidence.
    public mutating func observe(_ instance: InstanceSummary) { observed.observe(instance) }

    /// Every member's event of one instance the last evaluation asked for.
    mutating func observe(captured events: [InstanceEvent], job: String, atNs: UInt64) {
        observed.observe(captured: events, job: job, atNs: atNs)
    }

    /// An agent's probe of its link to a peer, for a job.
    public mutating func observe(_ probe: LinkProbe) { observed.observe(probe) }

    /// A stored batch from `node`: a heartbeat, and what its ranks' reports are timed against.
    public mutating func received(batchFrom node: String, atNs: UInt64) {
        observed.received(batchFrom: node, atNs: atNs)
    }

    public mutating func heartbeat(node: String, atNs: UInt64) { observed.heartbeat(node: node, atNs: atNs) }

    /// The incidents open at `nowNs`: new ones are raised, standing ones
    /// keep their first detection, and those whose cause is gone are
    /// returned as resolved.
    public mutating func evaluate(nowNs: UInt64) -> DetectorReport {
        observed.forgetEnded(nowNs: nowNs)
        timelinesWanted = [:]
        probes.beginEvaluation()
        communicatorMembers = observed.communicators()
        observed.learnPace(communicatorMembers, nowNs: nowNs)
        let down = nodesDown(nowNs: nowNs)
        let causes = down + crashes(nowNs: nowNs, downNodes: Set(down.flatMap(\.suspects).map(\.node)))
        var consequences: [Incident] = []
        var graphs = WaitGraphs()
        for (key, members) in communicatorMembers {
            if let hang = hang(on: key, members: members, graphs: &graphs, nowNs: nowNs) {
                consequences.append(hang)
            } else if let slow = slowness(on: key, nowNs: nowNs) {
                consequences.append(slow)
            }
        }
        consequences += pointToPointHangs(graphs: &graphs, nowNs: nowNs)
        let hung = Set(consequences.filter { [.nonCommunicationHang, .communicationHang].contains($0.incidentClass) }.map(\.job))
        observed.pruneWaits(sinceNs: nowNs - min(nowNs, configuration.pointToPointWindowNs))
        // Not in a job found hung: a stopped rank is waited on too, and is a hang.
        let windows = pointToPointWindows(excluding: hung, nowNs: nowNs)
        let stragglers = pointToPointStragglers(in: windows, nowNs: nowNs)
        consequences += stragglers + pointToPointSlowness(in: windows, excluding: Set(stragglers.map(\.job)), nowNs: nowNs)
        let found = causes + silent(nowNs: nowNs)
            + withoutPendingCause(Self.unexplained(Self.oldestFirst(consequences), by: causes), causes: causes, nowNs: nowNs)
        var report = book.enter(found, frozen: jobsTearingDown, nowNs: nowNs) { [probes] incident in
            incident.evidence.communicator.flatMap { probes.waitedSince(CommunicatorKey(job: incident.job, communicator: $0)) }
        }
        report.probesWanted = probes.wanted
        return report
    }

    static let slowClasses = IncidentBook.slowClasses

    var openIncidents: Dictionary<IncidentBook.Key, Incident>.Values { book.open.values }

    /// Several communicators (and point-to-point chains) can find the same
    /// culprit: the incident keeps the evidence of the longest wait, the
    /// same one every evaluation.
    static func oldestFirst(_ incidents: [Incident]) -> [Incident] {
        incidents.sorted { ($0.firstSeenNs, $0.evidence.communicator ?? 0) < ($1.firstSeenNs, $1.evidence.communicator ?? 0) }
    }

    /// A crashed rank or a dead node makes its peers wait: that waiting is
    /// the cause's consequence, not an incident of its own.
    static func unexplained(_ consequences: [Incident], by causes: [Incident]) -> [Incident] {
        let crashedJobs = Set(causes.filter { $0.incidentClass == .rankCrash }.map(\.job))
        let downNodes = Set(causes.filter { $0.incidentClass == .nodeDown }.flatMap(\.suspects).map(\.node))
        return consequences.filter { incident in
            !crashedJobs.contains(incident.job) && !(incident.suspects.allSatisfy { downNodes.contains($0.node) })
        }
    }

    /// Running ranks not reported for the heartbeat timeout while their node's agent still reports.
    /// (Against the node's stored batches, not its heartbeats: a batch is
    /// heard before it is stored, and a slow store is not a silent rank.)
    private func silent(nowNs: UInt64) -> [Incident] {
        observed.ranks.values.compactMap { seen in
            guard seen.snapshot.status.isAlive, let batch = observed.batches[seen.node] else { return nil }
            let quiet = batch - min(batch, seen.atNs)
            guard quiet > configuration.heartbeatTimeoutNs else { return nil }
            let rank = seen.snapshot.identity.rank
            return Incident(job: seen.snapshot.identity.job, incidentClass: .telemetrySilent,
                            suspects: [.init(node: seen.node, rank: rank)], confidence: 0.7,
                            evidence: .init(summary: "rank \(rank) not reported for \(QuantityText.milliseconds(quiet)); \(seen.node)'s agent is alive",
                                            expectedNs: configuration.heartbeatTimeoutNs, observedNs: quiet),
                            firstSeenNs: seen.atNs, detectedNs: nowNs)
        }
    }

    func heartbeat(of node: String) -> UInt64? { observed.heartbeats[node] }

    /// The nodes running ranks of `job`.
    public func nodes(of job: String) -> Set<String> { observed.nodes(of: job) }

    /// The jobs it watches ranks of.
    var jobs: Set<String> { Set(observed.ranks.keys.map(\.job)) }

    /// The ranks it watches (heard of in the last `forgetEndedNs`), as last reported.
    public var observedRanks: [StoredRank] {
        observed.ranks.values.map { StoredRank(node: $0.node, snapshot: $0.snapshot, updatedNs: $0.atNs) }
    }

    /// How long a collective may wait on this communicator before it is hung.
    func hangThreshold(_ key: CommunicatorKey) -> UInt64 {
        let typical = observed.pace[key]?.intervalNs ?? 0
        return max(configuration.hangFloorNs, UInt64(configuration.hangStepMultiple * typical))
    }

}

/// What one evaluation found.
public struct DetectorReport: Sendable, Equatable {
    public init() {}

    public var raised: [Incident] = []
    /// Standing incidents whose suspects or evidence changed.
    public var updated: [Incident] = []
    public var resolved: [Incident] = []
    public var open: [Incident] = []
    /// Jobs whose links are to be probed (by a round started after the
    /// time given) before a slowness across hosts is judged.
    public var probesWanted: [String: UInt64] = [:]
}
