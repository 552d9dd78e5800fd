import VigilCore

/// The detector with what feeds it: agent batches as the server hears
/// them, instance events joined across nodes into instances (and last-arrival
/// tallies), every batch a heartbeat of its node. Pure, so the server runs
/// it live and `vigil replay` runs it over a capture, the same way.
public struct TelemetryMonitor: Sendable {
    public private(set) var detector: Detector
    private var joiner: InstanceJoiner
    private var stats = ArrivalStats()
    private var capture = InstanceCapture()
    private var gaps = RankGaps()
    private var jobIDs: [String: Int32] = [:]   // interned: the join hashes integers only
    private var jobNames: [String] = []
    private var lastExpiryNs: UInt64 = 0

    public init(configuration: DetectorConfiguration = DetectorConfiguration(), joinTimeoutNs: UInt64 = 30_000_000_000) {
        detector = Detector(configuration: configuration)
        joiner = InstanceJoiner(timeoutNs: joinTimeoutNs)
    }

    public var openInstances: Int { joiner.openCount }

    /// One stored batch from `node`, received at `atNs`.
    public mutating func ingest(_ batch: TelemetryBatch, from node: String, atNs: UInt64) {
        detector.received(batchFrom: node, atNs: atNs)
        for item in batch.items {
            switch item {
            case .rank(let snapshot):
                if admit(job: snapshot.identity.job, attempt: snapshot.identity.attempt) {
                    detector.observe(snapshot, node: node, atNs: atNs)
                }
            case .instances(let events): if admit(job: events.job, attempt: events.attempt) { join(events, atNs: atNs) }
            case .probe(let probe): detector.observe(probe)
            case .health(let health): detector.observe(health, node: node, atNs: atNs)
            case .run(let run): _ = admit(job: run.job, attempt: run.attempt)
            case .stats, .link, .loss, .checkpointShard, .checkpointManifest, .jobControl: break
            }
        }
        if atNs - min(atNs, lastExpiryNs) > 1_000_000_000 {
            for stale in joiner.expire(nowNs: atNs) { stats.record(stale) }
            lastExpiryNs = atNs
        }
    }

    public mutating func evaluate(nowNs: UInt64) -> DetectorReport {
        let report = detector.evaluate(nowNs: nowNs)
        var wants: [InstanceCapture.Key: InstanceCapture.Want] = [:]
        for (key, want) in detector.timelinesWanted {
            if let job = jobIDs[key.job] { wants[InstanceCapture.Key(job: job, communicator: key.communicator)] = want }
        }
        capture.set(wants, nowNs: nowNs)
        gaps.keep(jobs: Set(detector.jobs.compactMap { jobIDs[$0] }))
        return report
    }

    /// Each rank's smoothed compute between collectives (ns), for the console's lateness.
    public func computeGaps(job: String) -> [Int: UInt64] {
        jobIDs[job].map { gaps.gaps(job: $0) } ?? [:]
    }

    /// The address the server hears `node`'s agent from.
    public mutating func observe(node: String, managementAddress: String) {
        detector.observe(node: node, managementAddress: managementAddress)
    }

    /// A batch arrived from `node`, before it is stored: a node is alive
    /// when it speaks, however long the store then takes.
    public mutating func heartbeat(node: String, atNs: UInt64) { detector.heartbeat(node: node, atNs: atNs) }

    /// The job's `attempt` was started (a run the store knows, read when the
    /// server starts): what older attempts' spools replay is stale from the outset.
    public mutating func follow(job: String, attempt: Int) { _ = admit(job: job, attempt: attempt) }

    /// The server is stopping this attempt: see `Detector.stopping(job:attempt:)`.
    public mutating func stopping(job: String, attempt: Int) { detector.stopping(job: job, attempt: attempt) }

    /// The stop failed: see `Detector.resumed(job:)`.
    public mutating func resumed(job: String) { detector.resumed(job: job) }

    /// False for an older attempt's late word; a newer attempt's first word
    /// drops the older one's open instances and gaps, whose seqs it reuses.
    private mutating func admit(job: String, attempt: Int) -> Bool {
        switch detector.admit(job: job, attempt: attempt) {
        case .current: return true
        case .stale: return false
        case .newAttempt:
            let id = intern(job)
            joiner.forget(job: id)
            gaps.forget(job: id)
            return true
        }
    }

    private mutating func join(_ item: InstanceEvents, atNs: UInt64) {
        let job = intern(item.job)
        for event in item.events where InstanceEvent.isJoinable(event.communicator) {
            gaps.record(job: job, rank: event.rank, gapNs: event.gapNs)
            if !capture.isEmpty, let whole = capture.offer(event, job: job) {
                detector.observe(captured: whole, job: item.job, atNs: atNs)
            }
            guard let done = joiner.add(event, job: job, nowNs: atNs) else { continue }
            stats.record(done)
            detector.observe(InstanceSummary(
                job: item.job, communicator: done.key.communicator, seq: done.key.seq, op: done.op, size: done.size, bytes: done.bytes,
                shortestNs: done.shortestNs,
                gapLeader: done.longestGapRank, leaderGapNs: done.longestGapNs,
                meanGapNs: done.totalGapNs / UInt64(max(done.arrived, 1)), atNs: atNs))
        }
    }

    private mutating func intern(_ job: String) -> Int32 {
        if let id = jobIDs[job] { return id }
        let id = Int32(jobNames.count)
        jobIDs[job] = id
        jobNames.append(job)
        return id
    }

    /// Who arrived last how often, per communicator of `job`.
    public func tallies(job: String) -> [ArrivalTally] {
        guard let id = jobIDs[job] else { return [] }
        return stats.tallies.filter { $0.key.job == id }.map {
            ArrivalTally(communicator: $0.key.communicator, instances: $0.value.instances, incomplete: $0.value.incomplete,
                         lastArrivals: $0.value.lastArrivals.map { ArrivalTally.Count(rank: $0.key, times: $0.value) }
                             .sorted { $0.rank < $1.rank })
        }.sorted { $0.communicator < $1.communicator }
    }
}
