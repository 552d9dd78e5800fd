import CVigilRing
import Logging
import Synchronization
import VigilCore
#if canImport(Glibc)
import Glibc
#endif

/// The local ranks an agent serves: their rings and what their records say.
/// Shared by the registration socket (adds ranks), the drain loop (feeds
/// them) and queries (snapshots), behind one lock.
public final class RankTable: Sendable {
    struct Tracked {
        var ring: RingFile?            // nil once the rank ended and was drained
        var telemetry: RankTelemetry
        var startTime: UInt64
        var wallOffsetNs: Int64 = 0    // kept after the ring is gone, for its last records
        var endedAt: UInt64?           // monotonic ns
        var droppedLogged: UInt64 = 0  // drops already reported in the log
        var droppedLoggedAt: UInt64 = 0
        /// Known from NCCL Inspector's files, not registered: no ring, no MPI_Finalize to tell an end by.
        var inspected = false
        /// Its in-flight slot, sampled at every drain: where its time goes.
        var waits = WaitSampler()
        /// Wall-clock ns its registration socket closed: when it ended, though
        /// its process may linger a moment (exiting, a zombie) before the end is taken.
        var socketClosedNs: UInt64?
        /// Restored a checkpoint and not yet drained a collective since: its first one is news (training again).
        var awaitingFirstStep = false
    }

    /// Drops are logged as they grow, at most once per this many ns per rank.
    private static let dropLogInterval: UInt64 = 10_000_000_000

    private let configuration: AgentConfiguration
    private let logger: Logger
    private let ranks = Mutex<[Int32: Tracked]>([:])
    /// A rank registered, died or restored a checkpoint since the uplink
    /// last asked: news the server should not wait an uplink interval for (a
    /// crash is judged once every node of the job has reported since; a
    /// recovery's restore, then its first step, once heard).
    private let news = Mutex(false)

    public init(configuration: AgentConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Create the ring for a registering rank; returns its path.
    public func register(_ identity: RankIdentity) throws(RegistrationError) -> String {
        guard let startTime = ProcessProbe.startTime(of: identity.pid) else {
            throw .noSuchProcess(identity.pid)
        }
        let path = "\(configuration.ringDirectory)/\(identity.job).\(identity.rank).\(identity.pid).ring"
        return try ranks.withLock { ranks throws(RegistrationError) -> String in
            // A process known from Inspector files alone registering itself (libvigil in an NCCL job): its ring wins.
            if let existing = ranks[identity.pid], existing.endedAt == nil, !existing.inspected {
                throw .alreadyRegistered(identity.pid)
            }
            let ring: RingFile
            do throws(RingFileError) {
                ring = try RingFile.create(path: path, capacity: configuration.effectiveRingCapacity, identity: identity)
            } catch {
                throw .ring(error.description)
            }
            ranks[identity.pid] = Tracked(
                ring: ring, telemetry: RankTelemetry(identity: identity, flightRecorderDepth: configuration.flightRecorderDepth),
                startTime: startTime)
            announce()
            return path
        }
    }

    /// News of a rank for the uplink's next batch.
    public func announce() { news.withLock { $0 = true } }

    /// A rank restored a checkpoint: news now, and its first collective after it.
    public func restored(pid: Int32) {
        ranks.withLock { $0[pid]?.awaitingFirstStep = true }
        announce()
    }

    /// Whether a rank registered, died or restored since the last call.
    public func takeNews() -> Bool {
        news.withLock { news in
            defer { news = false }
            return news
        }
    }

    /// The running ranks of `job`, each with its start time (so that a
    /// reused pid is never mistaken for the rank).
    public func runningProcesses(ofJob job: String) -> [(pid: Int32, startTime: UInt64)] {
        ranks.withLock { ranks in
            // Ranks known from Inspector files only are never signalled: a file's word is not a registration.
            ranks.values.filter { $0.telemetry.identity.job == job && $0.endedAt == nil && !$0.inspected }
                .map { ($0.telemetry.identity.pid, $0.startTime) }
        }
    }

    /// The rank's socket closed: it finalized or its process is ending.
    /// Check now rather than at the next periodic check.
    public func connectionClosed(pid: Int32) {
        let now = monotonicNanoseconds(), wall = wallClockNanoseconds()
        ranks.withLock { ranks in
            guard ranks[pid]?.endedAt == nil, ranks[pid] != nil else { return }
            // Ranks ending together are told apart by this moment: not by the
            // next periodic check (up to 100 ms later) when the process is still exiting.
            ranks[pid]!.socketClosedNs = ranks[pid]!.socketClosedNs ?? wall
            guard ProcessProbe.startTime(of: pid) != ranks[pid]!.startTime else { return }
            end(&ranks[pid]!, now: now)
        }
    }

    /// Drain every ring once; returns the records moved.
    @discardableResult
    public func drainAll(now: UInt64 = monotonicNanoseconds()) -> UInt64 {
        ranks.withLock { ranks in
            var moved: UInt64 = 0
            for pid in ranks.keys {
                guard let ring = ranks[pid]!.ring else { continue }
                ranks[pid]!.waits.sample(ring.blockedCall, atNs: now)
                let drained = ring.drain(into: &ranks[pid]!.telemetry)
                if drained > 0, ranks[pid]!.awaitingFirstStep {
                    ranks[pid]!.awaitingFirstStep = false
                    announce()
                }
                moved += drained
                logDrops(&ranks[pid]!, ring: ring, now: now)
            }
            return moved
        }
    }

    /// A full ring loses records at the rank: say so in the log as well as
    /// in the counters, without flooding it.
    private func logDrops(_ tracked: inout Tracked, ring: RingFile, now: UInt64) {
        let dropped = vigil_ring_dropped(ring.header)
        guard dropped > tracked.droppedLogged, now - tracked.droppedLoggedAt >= Self.dropLogInterval else { return }
        let id = tracked.telemetry.identity
        logger.warning("ring full, records dropped at the rank",
                       metadata: ["job": "\(id.job)", "rank": "\(id.rank)", "pid": "\(id.pid)",
                                  "dropped": "\(dropped)", "new": "\(dropped - tracked.droppedLogged)"])
        tracked.droppedLogged = dropped
        tracked.droppedLoggedAt = now
    }

    /// Notice ranks whose process is gone: drain what is left, remove the
    /// ring, keep the rank as a tombstone for a while, then forget it.
    public func checkExits(now: UInt64 = monotonicNanoseconds()) {
        let expiry = UInt64(configuration.tombstoneSeconds * 1e9)
        ranks.withLock { ranks in
            for pid in Array(ranks.keys) {
                if let ended = ranks[pid]!.endedAt {
                    if now - ended > expiry { ranks[pid] = nil }
                    continue
                }
                if ProcessProbe.startTime(of: pid) == ranks[pid]!.startTime { continue }
                end(&ranks[pid]!, now: now)
            }
        }
    }

    private func end(_ tracked: inout Tracked, now: UInt64) {
        guard let ring = tracked.ring else {
            if tracked.inspected { endInspected(&tracked, now: now) }
            return
        }
        _ = ring.drain(into: &tracked.telemetry)
        tracked.wallOffsetNs = ring.wallOffsetNs
        tracked.telemetry.counters = ring.counters
        tracked.telemetry.blocked = ring.blockedCall   // what it died inside, if anything: who it waited on
        let finalized = ring.state == 2 // VIGIL_STATE_FINALIZED
        let terminated = ring.state == 3 // VIGIL_STATE_TERMINATED: told to stop (SIGTERM)
        tracked.telemetry.status = finalized ? .finished : .died
        tracked.telemetry.endedNs = tracked.socketClosedNs ?? wallClockNanoseconds()
        tracked.telemetry.exitStatus = ProcessProbe.reapIfChild(tracked.telemetry.identity.pid)
            ?? (terminated && !finalized ? RankSnapshot.terminatedStatus : nil)
        ring.remove()
        tracked.ring = nil
        tracked.endedAt = now
        let id = tracked.telemetry.identity
        if finalized {
            logger.info("rank finished", metadata: ["job": "\(id.job)", "rank": "\(id.rank)", "pid": "\(id.pid)"])
        } else {
            announce()
            logger.warning("rank died without MPI_Finalize",
                           metadata: ["job": "\(id.job)", "rank": "\(id.rank)", "pid": "\(id.pid)"])
        }
    }

    /// Collectives NCCL Inspector reported for `identity`'s process, which
    /// is tracked as a rank from its first record on (while it runs here).
    /// Returns false when that process is not running on this host, or is
    /// not `owner`'s (the file's owner): a file cannot claim someone else's process.
    public func apply(inspected identity: RankIdentity, owner: UInt32, _ records: [CollectiveRecord]) -> Bool {
        ranks.withLock { ranks in
            if ranks[identity.pid].map({ $0.endedAt != nil || !$0.inspected }) ?? false { return false }
            if ranks[identity.pid] == nil {
                guard let startTime = ProcessProbe.startTime(of: identity.pid),
                      ProcessProbe.owner(of: identity.pid) == owner else { return false }
                var tracked = Tracked(ring: nil, telemetry: RankTelemetry(identity: identity,
                                                                         flightRecorderDepth: configuration.flightRecorderDepth),
                                      startTime: startTime)
                tracked.inspected = true
                ranks[identity.pid] = tracked
                logger.info("following an NCCL rank", metadata: ["job": "\(identity.job)", "rank": "\(identity.rank)",
                                                                 "pid": "\(identity.pid)"])
            }
            // A rank is its place in its process's largest communicator (the world), whichever came first.
            if identity.worldSize > ranks[identity.pid]!.telemetry.identity.worldSize {
                ranks[identity.pid]!.telemetry.identity = identity
            }
            for record in records { ranks[identity.pid]!.telemetry.apply(record) }
            ranks[identity.pid]!.telemetry.counters.consumed += UInt64(records.count)  // produced = consumed: nothing pends
            return true
        }
    }

    /// Its process is gone. Without MPI_Finalize's mark a crash cannot be
    /// told from an end, so it is taken as finished: never a false crash.
    private func endInspected(_ tracked: inout Tracked, now: UInt64) {
        tracked.telemetry.status = .finished
        tracked.telemetry.endedNs = wallClockNanoseconds()
        tracked.endedAt = now
        let id = tracked.telemetry.identity
        logger.info("NCCL rank ended", metadata: ["job": "\(id.job)", "rank": "\(id.rank)", "pid": "\(id.pid)"])
    }

    /// After an agent restart: take over the rings of ranks still running,
    /// and drain and close those of ranks that ended meanwhile.
    public func adoptExistingRings() {
        guard let names = try? listDirectory(configuration.ringDirectory) else { return }
        for name in names where name.hasSuffix(".ring") {
            let path = "\(configuration.ringDirectory)/\(name)"
            do {
                let ring = try RingFile.open(path: path)
                adopt(ring)
            } catch {
                logger.warning("ignoring ring file", metadata: ["path": "\(path)", "reason": "\(error)"])
            }
        }
    }

    private func adopt(_ ring: RingFile) {
        let identity = ring.identity
        let startTime = ProcessProbe.startTime(of: identity.pid)
        ranks.withLock { ranks in
            var tracked = Tracked(
                ring: ring, telemetry: RankTelemetry(identity: identity, flightRecorderDepth: configuration.flightRecorderDepth),
                startTime: startTime ?? 0)
            if startTime == nil { end(&tracked, now: monotonicNanoseconds()) }
            ranks[identity.pid] = tracked
        }
        logger.info("re-attached ring", metadata: ["job": "\(identity.job)", "rank": "\(identity.rank)",
                                                   "pid": "\(identity.pid)", "alive": "\(startTime != nil)"])
    }

    /// A consistent snapshot for reports.
    public func report() -> AgentReport {
        let now = monotonicNanoseconds()
        let rows = ranks.withLock { ranks in
            ranks.values.map { tracked -> AgentReport.Rank in
                var telemetry = tracked.telemetry
                if let ring = tracked.ring {
                    telemetry.counters = ring.counters
                    telemetry.blocked = ring.blockedCall
                }
                return AgentReport.Rank(telemetry)
            }
        }
        return AgentReport(host: Environment.hostName, agentPid: getpid(), takenAtNs: now, ranks: rows)
    }

    /// What goes upstream: every rank's snapshot and the windows since the
    /// previous call (`startNs` to `endNs`, wall clock).
    public func collect(startNs: UInt64, endNs: UInt64) -> [TelemetryItem] {
        drainAll()
        return ranks.withLock { ranks in
            var items: [TelemetryItem] = []
            for pid in ranks.keys {
                let ring = ranks[pid]!.ring
                if ranks[pid]!.telemetry.status.isAlive {
                    ranks[pid]!.telemetry.status = ProcessProbe.isStopped(pid) ? .stopped : .running
                }
                if let ring {
                    ranks[pid]!.telemetry.counters = ring.counters
                    ranks[pid]!.telemetry.blocked = ring.blockedCall
                    ranks[pid]!.wallOffsetNs = ring.wallOffsetNs
                }
                let (stats, links) = ranks[pid]!.telemetry.takeWindows(startNs: startNs, endNs: endNs)
                let instances = ranks[pid]!.telemetry.takeInstances(wallOffsetNs: ranks[pid]!.wallOffsetNs)
                var snapshot = snapshot(of: ranks[pid]!.telemetry, ring: ring)
                if ring != nil { snapshot.waits = ranks[pid]!.waits.take() }
                items.append(.rank(snapshot))
                items += stats.map(TelemetryItem.stats) + links.map(TelemetryItem.link)
                if !instances.events.isEmpty { items.append(.instances(instances)) }
            }
            return items
        }
    }

    private func snapshot(of telemetry: RankTelemetry, ring: RingFile?) -> RankSnapshot {
        var blocked = telemetry.blocked   // rank-monotonic: the wire wants wall clock
        if let call = blocked, let ring {
            blocked?.sinceNs = UInt64(max(0, Int64(bitPattern: call.sinceNs) &+ ring.wallOffsetNs))
        }
        let progress = telemetry.communicators.values.sorted { $0.communicator < $1.communicator }.map {
            RankSnapshot.Progress(communicator: $0.communicator, size: $0.size,
                                  lastSeqEntered: telemetry.lastSeqEntered(on: $0.communicator), lastSeqLeft: $0.lastSeqLeft)
        }
        let throttled = telemetry.status.isAlive ? CgroupThrottle.throttledNs(pid: telemetry.identity.pid) : nil
        return RankSnapshot(identity: telemetry.identity, status: telemetry.status, exitStatus: telemetry.exitStatus,
                            counters: telemetry.counters, blocked: blocked, progress: progress, cpuThrottledNs: throttled,
                            endedNs: telemetry.endedNs)
    }

    /// Every rank's flight recorder, after draining what is pending.
    public func flightRecorders() -> FlightRecorderDump {
        drainAll()
        let ranks = ranks.withLock { ranks in
            ranks.values
                .map { FlightRecorderDump.Rank(identity: $0.telemetry.identity, records: $0.telemetry.recorder.records) }
                .sorted { ($0.identity.job, $0.identity.rank) < ($1.identity.job, $1.identity.rank) }
        }
        return FlightRecorderDump(host: Environment.hostName, ranks: ranks)
    }

    /// Rings still mapped (ranks alive or not yet confirmed gone).
    public var liveRanks: Int { ranks.withLock { $0.values.filter { $0.ring != nil }.count } }
}
