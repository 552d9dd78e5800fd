import Dispatch
import Logging
import Synchronization
import VigilCore
#if canImport(Glibc)
import Glibc
#endif

/// The agent's side of checkpoints (docs/checkpoints.md): what its ranks
/// report of their shards goes up to the server; each shard durable at
/// level 1 is copied to the shared level in the background, and once the
/// step is complete at level 1 to its buddy's agent; the server's commits
/// are written as manifests. File work runs on serial queues (copies and
/// removals, manifests, buddy sends, scrubs), off the event loops and the
/// ranks' path.
public final class CheckpointKeeper: Sendable {
    /// Where ranks keep level 1 unless they say otherwise, where this node
    /// keeps its buddies' shards, and the shared level; nil: none.
    public let localRoot: String?
    public let buddyRoot: String?
    public let sharedRoot: String?
    private let logger: Logger
    private let queue = DispatchQueue(label: "vigil.checkpoint")
    /// Manifests are small and what ranks wait for (a rank saves no more
    /// while 4 of its shards wait for theirs): never behind a backlog of copies.
    private let commitQueue = DispatchQueue(label: "vigil.checkpoint.commit")
    /// Scrubs re-read whole checkpoints: on their own queue, not in the way of commits.
    private let scrubQueue = DispatchQueue(label: "vigil.checkpoint.scrub")
    /// Sends to a buddy wait on the network (30 s for a silent one): not in the way of commits either.
    private let buddyQueue = DispatchQueue(label: "vigil.checkpoint.buddy")
    /// At most this fast, so a scrub never competes with training's own I/O for long.
    static let scrubBytesPerSecond: Double = 256e6
    private struct Events {
        var items: [TelemetryItem] = []
        var dropped = 0
    }

    private let events = Mutex(Events())
    /// Events not yet collected by the uplink, at most (an agent without a server).
    static let limit = 10_000

    /// This node's name, as its buddies hear it.
    private let node: String

    public init(localRoot: String?, buddyRoot: String? = nil, sharedRoot: String?, node: String, logger: Logger) {
        self.localRoot = localRoot
        self.buddyRoot = buddyRoot
        self.sharedRoot = sharedRoot
        self.node = node
        self.logger = logger
    }

    /// A rank's report; a shard durable locally is then copied to the shared level.
    func report(_ event: CheckpointShardEvent) {
        append(.checkpointShard(event))
        guard event.state == .durable, event.level == .local, let sharedRoot, sharedRoot != event.root else { return }
        queue.async { self.copy(event, to: sharedRoot) }
    }

    /// A buddy's shard, durable here (BuddyReceiver): reported like the ranks' own.
    func took(_ event: CheckpointShardEvent) {
        append(.checkpointShard(event))
    }

    /// Sends this node's shards of a checkpoint complete at level 1 to its
    /// buddy, one connection each; a shard the buddy did not take is
    /// reported failed at the buddy level (the step is then not complete there).
    func replicate(_ replication: CheckpointReplication) {
        buddyQueue.async {
            for shard in replication.shards {
                let header = BuddyShard(job: replication.job, step: replication.step, rank: shard.rank,
                                        worldSize: replication.worldSize, bytes: shard.bytes, checksum: shard.checksum,
                                        from: self.node)
                do throws(BuddyShardError) {
                    guard let fd = BlockingSocket.connect(to: replication.host, port: replication.port,
                                                          timeoutNs: BuddyReceiver.idleTimeoutNs) else {
                        throw .unreachable("cannot connect to \(replication.buddy) at \(replication.host):\(replication.port)")
                    }
                    defer { close(fd) }
                    try CheckpointFiles.sendShard(header, fromRoot: replication.root, on: fd)
                } catch {
                    self.logger.error("shard not copied to the buddy", metadata: [
                        "job": "\(replication.job)", "step": "\(replication.step)", "rank": "\(shard.rank)",
                        "buddy": "\(replication.buddy)", "reason": "\(error)"])
                    self.append(.checkpointShard(CheckpointShardEvent(
                        job: replication.job, step: replication.step, rank: shard.rank, worldSize: replication.worldSize,
                        level: .buddy, state: .failed, root: replication.root, detail: "to \(replication.buddy): \(error)",
                        atNs: wallClockNanoseconds())))
                }
            }
        }
    }

    /// Writes the manifest the server sent, then says whether it could.
    func commit(_ commit: CheckpointLedger.Commit) {
        commitQueue.async {
            let manifest = commit.manifest
            var event = CheckpointManifestEvent(job: manifest.job, step: manifest.step, level: manifest.level, root: commit.root,
                                                outcome: .written, atNs: 0)
            do {
                let path = try CheckpointFiles.writeManifest(manifest, root: commit.root)
                self.logger.info("checkpoint complete", metadata: ["job": "\(manifest.job)", "step": "\(manifest.step)",
                                                                   "level": "\(manifest.level.name)", "manifest": "\(path)"])
            } catch {
                (event.outcome, event.detail) = (.failed, "manifest not written: \(error)")
                self.logger.error("checkpoint manifest not written", metadata: ["job": "\(manifest.job)",
                                                                               "step": "\(manifest.step)", "reason": "\(error)"])
            }
            event.atNs = wallClockNanoseconds()
            self.append(.checkpointManifest(event))
            if event.outcome == .written && manifest.level == .shared { self.scrub(manifest, root: commit.root) }
        }
    }

    /// Re-reads every shard a level-2 manifest lists and checks it against
    /// it, so "restorable" is proven before a restore needs it.
    private func scrub(_ manifest: CheckpointManifest, root: String) {
        scrubQueue.async {
            var event = CheckpointManifestEvent(job: manifest.job, step: manifest.step, level: manifest.level, root: root,
                                                outcome: .verified, atNs: 0)
            do {
                try CheckpointFiles.verify(manifest, root: root, bytesPerSecond: Self.scrubBytesPerSecond)
            } catch {
                (event.outcome, event.detail) = (.failed, "scrub: \(error)")
                self.logger.error("checkpoint scrub found damage", metadata: ["job": "\(manifest.job)", "step": "\(manifest.step)",
                                                                             "reason": "\(error)"])
            }
            event.atNs = wallClockNanoseconds()
            self.append(.checkpointManifest(event))
        }
    }

    /// Retention: removes a checkpoint's level here (its manifest first: from
    /// then on the step is not complete there, whatever else is left), then says so.
    func remove(_ removal: CheckpointRemoval) {
        queue.async {
            let key = removal.key
            var event = CheckpointManifestEvent(job: key.job, step: key.step, level: key.level, root: removal.root,
                                                outcome: .removed, atNs: 0)
            do {
                try CheckpointFiles.removeStep(root: removal.root, job: key.job, step: key.step)
                self.logger.info("checkpoint removed", metadata: ["job": "\(key.job)", "step": "\(key.step)",
                                                                  "level": "\(key.level.name)"])
            } catch {
                (event.outcome, event.detail) = (.failed, "not removed: \(error)")
                self.logger.error("checkpoint not removed", metadata: ["job": "\(key.job)", "step": "\(key.step)",
                                                                      "reason": "\(error)"])
            }
            event.atNs = wallClockNanoseconds()
            self.append(.checkpointManifest(event))
        }
    }

    /// What happened since the last call, for the next batch.
    func collect() -> [TelemetryItem] {
        let (items, dropped) = events.withLock { e in
            defer { e = Events() }
            return (e.items, e.dropped)
        }
        if dropped > 0 { logger.error("checkpoint events dropped: no server collected them", metadata: ["dropped": "\(dropped)"]) }
        return items
    }

    private func copy(_ event: CheckpointShardEvent, to root: String) {
        var copied = event
        (copied.level, copied.root, copied.blockedNs) = (.shared, root, 0)
        let started = monotonicNanoseconds()
        do {
            try CheckpointFiles.copyShard(event, toRoot: root)
            copied.durationNs = monotonicNanoseconds() - started
        } catch {
            (copied.state, copied.detail) = (.failed, "\(error)")
            logger.error("shard not copied to the shared level", metadata: ["job": "\(event.job)", "step": "\(event.step)",
                                                                            "rank": "\(event.rank)", "reason": "\(error)"])
        }
        copied.atNs = wallClockNanoseconds()
        append(.checkpointShard(copied))
    }

    private func append(_ item: TelemetryItem) {
        events.withLock { e in
            if e.items.count < Self.limit { e.items.append(item) } else { e.dropped += 1 }
        }
    }
}
