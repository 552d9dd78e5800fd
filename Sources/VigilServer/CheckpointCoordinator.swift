import Logging
import VigilCore
import VigilWire

/// Commits checkpoints and keeps them few (docs/checkpoints.md). It tallies
/// the shards the agents report durable and, once every rank's shard of a
/// step is durable at a level, records the commit and sends the manifest to
/// the agents that write it: the server decides because it alone hears
/// every rank; the agents write because they have the directories. Once a
/// level completes, retention asks the agents holding older ones to remove
/// them; a level-1 commit also asks each node to send its shards to its
/// buddy. An actor: commits and removals are decided one batch at a time.
actor CheckpointCoordinator {
    private let store: any TelemetryStore
    private let directory: AgentDirectory
    /// Complete checkpoints kept per job and level.
    private let keep: Int
    private let logger: Logger
    private var ledger = CheckpointLedger()
    /// Jobs already told to have no buddy copies: said once, not every checkpoint.
    private var unbuddied: Set<String> = []

    init(store: any TelemetryStore, directory: AgentDirectory, keep: Int, logger: Logger) {
        self.store = store
        self.directory = directory
        self.keep = keep
        self.logger = logger
    }

    /// Whether `batch` carries checkpoint items: most do not, and need no hop onto the actor.
    nonisolated static func concerns(_ batch: TelemetryBatch) -> Bool {
        batch.items.contains {
            switch $0 {
            case .checkpointShard, .checkpointManifest: true
            default: false
            }
        }
    }

    func ingest(_ batch: TelemetryBatch, from node: String) async {
        var completed: Set<String> = []
        for item in batch.items {
            switch item {
            case .checkpointShard(let event): await tally(event, from: node)
            case .checkpointManifest(let event) where event.outcome == .written: completed.insert(event.job)
            default: continue
            }
        }
        for job in completed.sorted() { await retain(job: job) }
    }

    private func tally(_ event: CheckpointShardEvent, from node: String) async {
        let outcome = ledger.record(event, from: node)
        for key in outcome.abandoned {
            logger.warning("checkpoint abandoned: never whole, a newer step is complete at its level",
                           metadata: ["job": "\(key.job)", "step": "\(key.step)", "level": "\(key.level.name)"])
        }
        guard let first = outcome.commits.first else { return }
        let key = CheckpointLedger.Key(job: first.manifest.job, step: first.manifest.step, level: first.manifest.level)
        do {
            try await store.recordCheckpointCommit(key, writers: outcome.commits.count, atNs: wallClockNanoseconds())
        } catch {
            logger.error("checkpoint commit not stored", metadata: ["job": "\(key.job)", "step": "\(key.step)", "reason": "\(error)"])
        }
        for commit in outcome.commits where !directory.send(commit.frame, to: commit.node) {
            logger.error("checkpoint manifest not sent: the agent is not connected",
                         metadata: ["job": "\(key.job)", "step": "\(key.step)", "node": "\(commit.node)"])
        }
        if key.level == .local { replicate(outcome.commits) }
    }

    /// Once a step is complete at level 1, each node sends its shards to
    /// its buddy (CheckpointReplication.buddies): the buddy level is then
    /// whole when every node's buddy has taken them.
    private func replicate(_ commits: [CheckpointLedger.Commit]) {
        let buddies = CheckpointReplication.buddies(of: Set(commits.map(\.node)))
        for commit in commits {
            guard let buddy = buddies[commit.node] else { continue }
            let manifest = commit.manifest
            guard let address = directory.buddyAddress(of: buddy) else {
                if unbuddied.insert(manifest.job).inserted {
                    logger.notice("no buddy copies: the buddy's agent takes no shards (its --checkpoint-buddy) or is gone",
                                  metadata: ["job": "\(manifest.job)", "node": "\(commit.node)", "buddy": "\(buddy)"])
                }
                continue
            }
            let replication = CheckpointReplication(job: manifest.job, step: manifest.step, worldSize: manifest.shards.count,
                                                    root: commit.root, shards: commit.heldShards, buddy: buddy,
                                                    host: address.host, port: address.port)
            directory.send(replication.frame, to: commit.node)
        }
    }

    /// The removals retention wants, each asked of the agents holding the
    /// level: every node's own directory at level 1, one agent for the shared one.
    private func retain(job: String) async {
        do {
            let checkpoints = try await store.heldCheckpoints(job: job)
            for (checkpoint, level) in CheckpointRetention.removals(checkpoints, keep: keep) {
                let key = CheckpointLedger.Key(job: job, step: checkpoint.step, level: level.level)
                let asked = level.level.isPerNode ? level.places.filter { send(key, to: $0) }
                    : level.places.first { send(key, to: $0) }.map { [$0] } ?? []
                guard !asked.isEmpty else { continue }
                try await store.recordCheckpointRemoval(key, places: asked.count, atNs: wallClockNanoseconds())
            }
        } catch {
            logger.error("checkpoint retention failed", metadata: ["job": "\(job)", "reason": "\(error)"])
        }
    }

    private func send(_ key: CheckpointLedger.Key, to place: StoredCheckpoint.Level.Place) -> Bool {
        directory.send(CheckpointRemoval(key: key, root: place.root).frame, to: place.node)
    }
}
