import Logging
import Synchronization
import VigilCore
import VigilWire

/// Commits checkpoints (docs/checkpoints.md): tallies the shards the agents
/// report durable and, once every rank's shard of a step is durable at a
/// level, records the commit and sends the manifest to the agents that
/// write it. The server decides because it alone hears every rank; the
/// agents write because they have the directories.
final class CheckpointCoordinator: Sendable {
    private let store: any TelemetryStore
    private let directory: AgentDirectory
    private let logger: Logger
    private let ledger = Mutex(CheckpointLedger())

    init(store: any TelemetryStore, directory: AgentDirectory, logger: Logger) {
        self.store = store
        self.directory = directory
        self.logger = logger
    }

    func ingest(_ batch: TelemetryBatch, from node: String) async {
        for case .checkpointShard(let event) in batch.items {
            let outcome = ledger.withLock { $0.record(event, from: node) }
            for key in outcome.abandoned {
                logger.warning("checkpoint abandoned: a newer step is complete at its level",
                               metadata: ["job": "\(key.job)", "step": "\(key.step)", "level": "\(key.level.name)"])
            }
            guard let first = outcome.commits.first else { continue }
            let key = CheckpointLedger.Key(job: first.manifest.job, step: first.manifest.step, level: first.manifest.level)
            do {
                try await store.recordCheckpointCommit(key, writers: outcome.commits.count, atNs: wallClockNanoseconds())
            } catch {
                logger.error("checkpoint commit not stored", metadata: ["job": "\(key.job)", "step": "\(key.step)",
                                                                        "reason": "\(error)"])
            }
            for commit in outcome.commits where !directory.send(commit.frame, to: commit.node) {
                logger.error("checkpoint manifest not sent: the agent is not connected",
                             metadata: ["job": "\(key.job)", "step": "\(key.step)", "node": "\(commit.node)"])
            }
        }
    }
}
