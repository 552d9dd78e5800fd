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
    var ranks: [RankKey: Observed] = [:]
    /// The attempt followed per job (Detector+Attempts).
    var attempts: [String: Int] = [:]
    /// Per job, the attempt the server is stopping (`stopping(job:attempt:)`).
    var tearingDown: [String: Int] = [:]
    var heartbeats: [String: UInt64] = [:]
    private var batches: [String: UInt64] = [:]
    var pace: [CommunicatorKey: Pace] = [:]
    var windows: [CommunicatorKey: InstanceWindow] = [:]
    var links: [String: LinkMatrix] = [:]
    var loads: [String: NodeLoad] = [:]
    var nics: [String: NICStates] = [:]
    /// Each node's management /24, from the address the server hears it on.
    var subnets: [String: UInt32] = [:]
    /// Running members per communicator, as of the last evaluation.
    var communicatorMembers: [CommunicatorKey: [Observed]] = [:]
    /// Per job, where its ranks' time went lately (point-to-point pacing).
    var waits: [String: PointToPointWaits] = [:]
    /// The incidents raised and open, from one evaluation to the next.
    var book: IncidentBook
    /// Instances captured member by member for evidence, and what the last
    /// evaluation wants captured next (read by the monitor).
    var timelines: [CommunicatorKey: (want: InstanceCapture.Want, events: [InstanceEvent], atNs: UInt64)] = [:]
    var timelinesWanted: [CommunicatorKey: InstanceCapture.Want] = [:]
    /// Which slowness across hosts waits for a probe round, and since when.
    var probes = ProbeGate()

    public init(configuration: DetectorConfiguration = DetectorConfiguration()) {
        self.configuration = configuration
        self.book = IncidentBook(configuration: configuration)
    }

    public mutating func observe(_ snapshot: RankSnapshot, node: String, atNs: UInt64) {
        let key = RankKey(job: snapshot.identity.job, rank: snapshot.identity.rank)
        var seen = Observed(snapshot: snapshot, node: node, atNs: atNs)
        let previous = ranks[key].flatMap { $0.snapshot.identity.pid == snapshot.identity.pid ? $0 : nil }
        if seen.failed { seen.failedSinceNs = previous?.failedSinceNs ?? atNs }
        if let previous, let now = snapshot.cpuThrottledNs, let before = previous.snapshot.cpuThrottledNs {
            let share = atNs > previous.atNs ? min(1, Double(now - min(now, before)) / Double(atNs - previous.atNs)) : 0
            seen.throttledShare = atNs > previous.atNs ? 0.6 * previous.throttledShare + 0.4 * share : previous.throttledShare
        }
        ranks[key] = seen
        if let profile = snapshot.waits, snapshot.status == .running {
            waits[key.job, default: PointToPointWaits()].add(rank: key.rank, profile: profile, atNs: atNs)
        }
    }

    /// A node's heartbeat health: how contended its CPUs are, which links are down.
    public mutating func observe(_ health: NodeHealth, node: String, atNs: UInt64) {
        loads[node, default: NodeLoad()].observe(health.cpu, atNs: atNs)
        nics[node, default: NICStates()].observe(health.nics)
    }

    /// The address the server hears `node`'s agent from (its management network).
    public mutating func observe(node: String, managementAddress: String) {
        subnets[node] = IPv4Network.parse(managementAddress).map { $0 & 0xFFFF_FF00 }
    }

    /// A complete instance from the server's join: straggler and slowness evidence.
    public mutating func observe(_ instance: InstanceSummary) {
        guard instance.isBlocking, instance.size > 1, InstanceEvent.isJoinable(instance.communicator) else { return }
        let key = CommunicatorKey(job: instance.job, communicator: instance.communicator)
        windows[key, default: InstanceWindow(capacity: configuration.windowInstances)].add(instance)
    }

    /// Every member's event of one instance the last evaluation asked for.
    mutating func observe(captured events: [InstanceEvent], job: String, atNs: UInt64) {
        guard let first = events.first else { return }
        let want = InstanceCapture.Want(op: first.op, size: Int(first.communicatorSize),
                                        bytesBucket: 64 - first.bytes.leadingZeroBitCount)
        timelines[CommunicatorKey(job: job, communicator: first.communicator)] = (want, events, atNs)
    }

    /// An agent's probe of its link to a peer, for a job.
    public mutating func observe(_ probe: LinkProbe) {
        links[probe.job, default: LinkMatrix()].observe(.init(probe.from, probe.to), bytes: probe.bytes,
                                                        busyNs: probe.transferNs, atNs: probe.atNs)
    }

    /// A stored batch from `node`: a heartbeat, and what its ranks' reports are timed against.
    public mutating func received(batchFrom node: String, atNs: UInt64) {
        heartbeat(node: node, atNs: atNs)
        batches[node] = max(batches[node] ?? 0, atNs)
    }

    public mutating func heartbeat(node: String, atNs: UInt64) {
        if let previous = heartbeats[node], atNs - min(atNs, previous) > configuration.heartbeatTimeoutNs {
            // Back after an outage: the ranks it had are gone, or report again now.
            ranks = ranks.filter { $0.value.node != node || $0.value.atNs > previous }
        }
        heartbeats[node] = max(heartbeats[node] ?? 0, atNs)
    }

    /// The incidents open at `nowNs`: new ones are raised, standing ones
    /// keep their first detection, and those whose cause is gone are
    /// returned as resolved.
    public mutating func evaluate(nowNs: UInt64) -> DetectorReport {
        forgetEnded(nowNs: nowNs)
        timelinesWanted = [:]
        probes.beginEvaluation()
        communicatorMembers = communicators()
        learnPace(communicatorMembers, nowNs: nowNs)
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
        for job in waits.keys { waits[job]?.prune(sinceNs: nowNs - min(nowNs, configuration.pointToPointWindowNs)) }
        let stragglers = pointToPointStragglers(excluding: hung, nowNs: nowNs)
        consequences += stragglers + pointToPointSlowness(excluding: hung.union(stragglers.map(\.job)), nowNs: nowNs)
        let found = causes + silent(nowNs: nowNs) + Self.unexplained(Self.oldestFirst(consequences), by: causes)
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
        ranks.values.compactMap { seen in
            guard seen.snapshot.status.isAlive, let batch = batches[seen.node] else { return nil }
            let quiet = batch - min(batch, seen.atNs)
            guard quiet > configuration.heartbeatTimeoutNs else { return nil }
            let rank = seen.snapshot.identity.rank
            return Incident(job: seen.snapshot.identity.job, incidentClass: .telemetrySilent,
                            suspects: [.init(node: seen.node, rank: rank)], confidence: 0.7,
                            evidence: .init(summary: "rank \(rank) not reported for \(quiet / 1_000_000) ms; \(seen.node)'s agent is alive",
                                            expectedNs: configuration.heartbeatTimeoutNs, observedNs: quiet),
                            firstSeenNs: seen.atNs, detectedNs: nowNs)
        }
    }

    /// Live ranks per joinable communicator.
    private func communicators() -> [CommunicatorKey: [Observed]] {
        var members: [CommunicatorKey: [Observed]] = [:]
        for seen in ranks.values where seen.snapshot.status.isAlive {
            for progress in seen.snapshot.progress where InstanceEvent.isJoinable(progress.communicator) {
                members[CommunicatorKey(job: seen.snapshot.identity.job, communicator: progress.communicator), default: []]
                    .append(seen)
            }
        }
        return members
    }

    func heartbeat(of node: String) -> UInt64? { heartbeats[node] }

    /// The nodes running ranks of `job`.
    public func nodes(of job: String) -> Set<String> {
        Set(ranks.values.filter { $0.snapshot.identity.job == job && $0.snapshot.status.isAlive }.map(\.node))
    }

    /// The jobs it watches ranks of.
    var jobs: Set<String> { Set(ranks.keys.map(\.job)) }

    /// The ranks it watches (heard of in the last `forgetEndedNs`), as last reported.
    public var observedRanks: [StoredRank] {
        ranks.values.map { StoredRank(node: $0.node, snapshot: $0.snapshot, updatedNs: $0.atNs) }
    }

    /// Ranks not heard of for long (ended, or on a node long dead), and the
    /// state of jobs with no rank left, go: the detector's memory follows
    /// what runs, not everything that ran.
    private mutating func forgetEnded(nowNs: UInt64) {
        func current(_ seen: Observed) -> Bool { nowNs - min(nowNs, seen.atNs) < configuration.forgetEndedNs }
        guard !ranks.values.allSatisfy(current) else { return }
        ranks = ranks.filter { current($0.value) }
        let jobs = Set(ranks.keys.map(\.job))
        windows = windows.filter { jobs.contains($0.key.job) }
        timelines = timelines.filter { jobs.contains($0.key.job) }
        pace = pace.filter { jobs.contains($0.key.job) }
        let nodes = Set(ranks.values.map(\.node))
        loads = loads.filter { nodes.contains($0.key) }
        nics = nics.filter { nodes.contains($0.key) }
        links = links.filter { jobs.contains($0.key) }
        waits = waits.filter { jobs.contains($0.key) }
    }

    /// How long a collective may wait on this communicator before it is hung.
    func hangThreshold(_ key: CommunicatorKey) -> UInt64 {
        let typical = pace[key]?.intervalNs ?? 0
        return max(configuration.hangFloorNs, UInt64(configuration.hangStepMultiple * typical))
    }

    private mutating func learnPace(_ communicators: [CommunicatorKey: [Observed]], nowNs: UInt64) {
        for (key, members) in communicators {
            let left = members.compactMap { $0.snapshot.progress.first { $0.communicator == key.communicator }?.lastSeqLeft }.min() ?? 0
            pace[key, default: Pace()].observe(seqLeft: left, atNs: nowNs)
        }
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
