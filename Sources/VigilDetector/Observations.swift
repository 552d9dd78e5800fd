import VigilCore

/// What the telemetry says, as last heard: each rank's latest snapshot, each
/// node's heartbeat, load and NICs, each communicator's recent instances
/// and pace, each job's probed links and wait profiles. Fed by the
/// detector's `observe` calls, read by its rules, forgotten as ranks end.
/// No judgement here.
struct Observations: Sendable {
    typealias RankKey = Detector.RankKey
    typealias Observed = Detector.Observed
    typealias CommunicatorKey = Detector.CommunicatorKey

    let configuration: DetectorConfiguration
    var ranks: [RankKey: Observed] = [:]
    var heartbeats: [String: UInt64] = [:]
    /// When each node's last batch was stored.
    private(set) var batches: [String: UInt64] = [:]
    var pace: [CommunicatorKey: Pace] = [:]
    var windows: [CommunicatorKey: InstanceWindow] = [:]
    var links: [String: LinkMatrix] = [:]
    var loads: [String: NodeLoad] = [:]
    var nics: [String: NICStates] = [:]
    /// Each node's management /24, from the address the server hears it on.
    var subnets: [String: UInt32] = [:]
    /// Per job, where its ranks' time went lately (point-to-point pacing).
    var waits: [String: PointToPointWaits] = [:]
    /// Instances captured member by member for evidence.
    var timelines: [CommunicatorKey: (want: InstanceCapture.Want, events: [InstanceEvent], atNs: UInt64)] = [:]

    init(configuration: DetectorConfiguration) {
        self.configuration = configuration
    }

    mutating func observe(_ snapshot: RankSnapshot, node: String, atNs: UInt64) {
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
    mutating func observe(_ health: NodeHealth, node: String, atNs: UInt64) {
        loads[node, default: NodeLoad()].observe(health.cpu, atNs: atNs)
        nics[node, default: NICStates()].observe(health.nics)
    }

    /// The address the server hears `node`'s agent from (its management network).
    mutating func observe(node: String, managementAddress: String) {
        subnets[node] = IPv4Network.parse(managementAddress).map { $0 & 0xFFFF_FF00 }
    }

    /// A complete instance from the server's join: straggler and slowness evidence.
    mutating func observe(_ instance: InstanceSummary) {
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
    mutating func observe(_ probe: LinkProbe) {
        links[probe.job, default: LinkMatrix()].observe(.init(probe.from, probe.to), bytes: probe.bytes,
                                                        busyNs: probe.transferNs, atNs: probe.atNs)
    }

    /// A stored batch from `node`: a heartbeat, and what its ranks' reports are timed against.
    mutating func received(batchFrom node: String, atNs: UInt64) {
        heartbeat(node: node, atNs: atNs)
        batches[node] = max(batches[node] ?? 0, atNs)
    }

    mutating func heartbeat(node: String, atNs: UInt64) {
        if let previous = heartbeats[node], atNs - min(atNs, previous) > configuration.heartbeatTimeoutNs {
            // Back after an outage: the ranks it had are gone, or report again now.
            ranks = ranks.filter { $0.value.node != node || $0.value.atNs > previous }
        }
        heartbeats[node] = max(heartbeats[node] ?? 0, atNs)
    }

    /// Live ranks per joinable communicator.
    func communicators() -> [CommunicatorKey: [Observed]] {
        var members: [CommunicatorKey: [Observed]] = [:]
        for seen in ranks.values where seen.snapshot.status.isAlive {
            for progress in seen.snapshot.progress where InstanceEvent.isJoinable(progress.communicator) {
                members[CommunicatorKey(job: seen.snapshot.identity.job, communicator: progress.communicator), default: []]
                    .append(seen)
            }
        }
        return members
    }

    /// The nodes running ranks of `job`.
    func nodes(of job: String) -> Set<String> {
        Set(ranks.values.filter { $0.snapshot.identity.job == job && $0.snapshot.status.isAlive }.map(\.node))
    }

    /// Ranks not heard of for long (ended, or on a node long dead), and the
    /// state of jobs with no rank left, go: the detector's memory follows
    /// what runs, not everything that ran.
    mutating func forgetEnded(nowNs: UInt64) {
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

    /// Everything of `job` (a newer attempt replaced it).
    mutating func forget(job: String) {
        ranks = ranks.filter { $0.key.job != job }
        windows = windows.filter { $0.key.job != job }
        timelines = timelines.filter { $0.key.job != job }
        pace = pace.filter { $0.key.job != job }
        links[job] = nil
        waits[job] = nil
    }

    mutating func pruneWaits(sinceNs: UInt64) {
        for job in waits.keys { waits[job]?.prune(sinceNs: sinceNs) }
    }

    mutating func learnPace(_ communicators: [CommunicatorKey: [Observed]], nowNs: UInt64) {
        for (key, members) in communicators {
            let left = members.compactMap { $0.snapshot.progress.first { $0.communicator == key.communicator }?.lastSeqLeft }.min() ?? 0
            pace[key, default: Pace()].observe(seqLeft: left, atNs: nowNs)
        }
    }
}
