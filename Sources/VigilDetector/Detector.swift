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
    }

    struct CommunicatorKey: Hashable {
        var job: String
        var communicator: UInt64
    }

    public let configuration: DetectorConfiguration
    private var ranks: [RankKey: Observed] = [:]
    private var heartbeats: [String: UInt64] = [:]
    private var pace: [CommunicatorKey: Pace] = [:]
    private var open: [String: Incident] = [:]

    public init(configuration: DetectorConfiguration = DetectorConfiguration()) {
        self.configuration = configuration
    }

    public mutating func observe(_ snapshot: RankSnapshot, node: String, atNs: UInt64) {
        let key = RankKey(job: snapshot.identity.job, rank: snapshot.identity.rank)
        ranks[key] = Observed(snapshot: snapshot, node: node, atNs: atNs)
    }

    public mutating func heartbeat(node: String, atNs: UInt64) {
        heartbeats[node] = max(heartbeats[node] ?? 0, atNs)
    }

    /// The incidents open at `nowNs`: new ones are raised, standing ones
    /// keep their first detection, and those whose cause is gone are
    /// returned as resolved.
    public mutating func evaluate(nowNs: UInt64) -> DetectorReport {
        let communicators = communicators()
        learnPace(communicators, nowNs: nowNs)
        let causes = crashes() + nodesDown(nowNs: nowNs)
        var hangs: [Incident] = []
        for (key, members) in communicators {
            if let hang = hang(on: key, members: members, nowNs: nowNs) { hangs.append(hang) }
        }
        let found = causes + Self.unexplained(hangs, by: causes)
        var report = DetectorReport()
        var still: [String: Incident] = [:]
        for var incident in found where still[incident.key] == nil {
            if let earlier = open[incident.key] {
                (incident.detectedNs, incident.firstSeenNs) = (earlier.detectedNs, min(earlier.firstSeenNs, incident.firstSeenNs))
            } else {
                report.raised.append(incident)
            }
            still[incident.key] = incident
        }
        for (key, var gone) in open where still[key] == nil {
            gone.resolvedNs = nowNs
            report.resolved.append(gone)
        }
        open = still
        report.open = still.values.sorted { ($0.detectedNs, $0.key) < ($1.detectedNs, $1.key) }
        return report
    }

    /// A crashed rank or a dead node makes its peers wait: that waiting is
    /// the cause's consequence, not an incident of its own.
    static func unexplained(_ hangs: [Incident], by causes: [Incident]) -> [Incident] {
        let crashedJobs = Set(causes.filter { $0.incidentClass == .rankCrash }.map(\.job))
        let downNodes = Set(causes.filter { $0.incidentClass == .nodeDown }.flatMap(\.suspects).map(\.node))
        return hangs.filter { hang in
            !crashedJobs.contains(hang.job) && !(hang.suspects.allSatisfy { downNodes.contains($0.node) })
        }
    }

    /// Ranks that died, or ended with a failing status. Over when the rank runs again (a restart).
    private func crashes() -> [Incident] {
        ranks.values.compactMap { seen in
            let s = seen.snapshot
            let failed = s.status == .died || (s.status == .finished && (s.exitStatus ?? 0) != 0)
            guard failed else { return nil }
            let how = s.exitStatus.map { "exit status \($0)" } ?? "no MPI_Finalize"
            return Incident(job: s.identity.job, incidentClass: .rankCrash,
                            suspects: [.init(node: seen.node, rank: s.identity.rank)], confidence: 1,
                            evidence: .init(summary: "rank \(s.identity.rank) (pid \(s.identity.pid)) ended: \(how)"),
                            firstSeenNs: seen.atNs, detectedNs: seen.atNs)
        }
    }

    /// Nodes with running ranks whose heartbeats stopped.
    private func nodesDown(nowNs: UInt64) -> [Incident] {
        var running: [String: (job: String, since: UInt64)] = [:]
        for seen in ranks.values where seen.snapshot.status == .running {
            running[seen.node] = (seen.snapshot.identity.job, heartbeats[seen.node] ?? seen.atNs)
        }
        return running.compactMap { node, entry in
            let silent = nowNs - min(nowNs, entry.since)
            guard silent > configuration.heartbeatTimeoutNs else { return nil }
            return Incident(job: entry.job, incidentClass: .nodeDown, suspects: [.init(node: node)], confidence: 0.9,
                            evidence: .init(summary: "no heartbeat from \(node) for \(silent / 1_000_000) ms",
                                            expectedNs: configuration.heartbeatTimeoutNs, observedNs: silent),
                            firstSeenNs: entry.since, detectedNs: nowNs)
        }
    }

    /// Running ranks per joinable communicator.
    private func communicators() -> [CommunicatorKey: [Observed]] {
        var members: [CommunicatorKey: [Observed]] = [:]
        for seen in ranks.values where seen.snapshot.status == .running {
            for progress in seen.snapshot.progress where InstanceEvent.isJoinable(progress.communicator) {
                members[CommunicatorKey(job: seen.snapshot.identity.job, communicator: progress.communicator), default: []]
                    .append(seen)
            }
        }
        return members
    }

    func heartbeat(of node: String) -> UInt64? { heartbeats[node] }

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
    public var raised: [Incident] = []
    public var resolved: [Incident] = []
    public var open: [Incident] = []
}
