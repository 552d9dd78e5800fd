import Foundation
import Testing
import VigilCore

/// libvigil's checkpoint client under real MPI jobs (vigil-ckpt-check, 4
/// ranks) on the two-node checkpoint bench (CheckpointCluster). A resumed job
/// goes on bit for bit as if it had never stopped; a shard that fails
/// verification, or a node's lost directory, is read from level 2; a step
/// no level has whole is passed over for the one before.
@Suite(.serialized)
struct CheckpointClientTests {
    static func flipByte(in path: String) throws {
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.seek(toOffset: 4_000)
        let byte = try #require(try handle.read(upToCount: 1)).first!
        try handle.seek(toOffset: 4_000)
        try handle.write(contentsOf: Data([byte ^ 0x40]))
        try handle.close()
    }

    static let first = ["--steps", "20", "--every", "5", "--wait-level", "3"]
    static let resumed = ["--steps", "30", "--every", "5", "--resume"]
    /// Restores and ends there: no newer checkpoint saved.
    static let restoreOnly = ["--steps", "20", "--every", "5", "--resume"]

    /// Saved, committed at both levels, resumed: bit for bit what a run that never stopped computes.
    @Test func aResumedJobGoesOnBitForBit() async throws {
        try await withScope("ckpt-roundtrip") { scope in
            let cluster = try await CheckpointCluster.start(scope)
            let first = try await cluster.run(Self.first + ["--wait-level", "4"], label: "first")
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.ranks.values.allSatisfy { $0.figures["local"] == 20 && $0.figures["errors"] == 0 }, "\(first.stdout)")
            let stored = try #require(try await cluster.complete(20), "step 20 complete at both levels")
            #expect(stored.worldSize == 4 && stored.levels.allSatisfy { $0.durableShards == 4 }, "\(stored)")
            #expect(stored.level(.local)?.bytes == stored.level(.shared)?.bytes && (stored.level(.local)?.bytes ?? 0) > 4 << 20)
            for node in cluster.nodes {
                #expect(FileManager.default.fileExists(atPath: node.local + "/ckpt/step-000000000020/MANIFEST"))
                #expect(FileManager.default.fileExists(atPath: (node.buddy ?? "") + "/ckpt/step-000000000020/MANIFEST"))
            }
            #expect(FileManager.default.fileExists(atPath: cluster.shard(level: .buddy, node: 0, step: 20, rank: 0)),
                    "node-a's shards kept by node-b")
            let store = try cluster.server.store()
            let local = try await store.checkpointShards(job: "ckpt", step: 20).filter { $0.level == .local }
            #expect(local.map(\.rank) == [0, 1, 2, 3] && local.allSatisfy { $0.state == .durable && $0.copyNs > 0 },
                    "every rank's copy into its pool reported before its shard was durable: \(local)")
            let scrubbed = await eventually(timeout: .seconds(20), every: .milliseconds(100)) {
                let rows = (try? await store.checkpoints(job: "ckpt", limit: 100)) ?? []
                return rows.first { $0.step == 20 }?.level(.shared)?.label == "verified"
            }
            #expect(scrubbed, "level 2 of step 20 re-read intact by the scrub")
            let resumed = try await cluster.run(Self.resumed, label: "resumed")
            #expect(resumed.stdout.contains("restored step 20"), "\(resumed.stdout)\(resumed.stderr)")
            let restored = try await cluster.events("checkpoint.restored", count: 4)
            #expect(restored.count == 4 && restored.allSatisfy { $0.contains("from level 1") }, "\(restored)")
            let straight = try await cluster.run(["--steps", "30", "--every", "5"], label: "straight", job: "straight")
            #expect(resumed.digests == straight.digests, "resumed from step 20 as if never stopped")
            #expect(!straight.digests.contains("-"))
        }
    }

    /// One byte of rank 2's level-1 shard flipped: rank 2 reads step 20
    /// from its buddy copy (on node-a, sent over MPI), says why, and the
    /// store has it; that copy flipped too: from level 2.
    @Test func aCorruptShardIsReadFromTheNextLevel() async throws {
        try await withScope("ckpt-corrupt") { scope in
            let cluster = try await CheckpointCluster.start(scope)
            #expect(try await cluster.run(Self.first, label: "first").status == 0)
            _ = try #require(try await cluster.complete(20))
            try Self.flipByte(in: cluster.shard(level: .local, step: 20, rank: 2))
            let again = try await cluster.run(Self.restoreOnly, label: "buddy")
            #expect(again.stdout.contains("restored step 20"), "\(again.stdout)\(again.stderr)")
            #expect(again.stderr.contains("rank 2 reads step 20 from the buddy level, not level 1")
                    && again.stderr.contains("checksum mismatch"), "\(again.stderr)")
            let rejected = try await cluster.events("checkpoint.rejected", count: 1)
            #expect(rejected.contains { $0.contains("step 20 rank 2 passed over at level 1") && $0.contains("checksum mismatch") },
                    "\(rejected)")
            #expect(try await cluster.events("checkpoint.restored", count: 4).contains { $0.contains("from the buddy level") })
            try Self.flipByte(in: cluster.shard(level: .buddy, step: 20, rank: 2))
            let resumed = try await cluster.run(Self.resumed, label: "resumed")
            #expect(resumed.stdout.contains("restored step 20"), "\(resumed.stdout)\(resumed.stderr)")
            #expect(resumed.stderr.contains("rank 2 reads step 20 from level 2, not the buddy level"), "\(resumed.stderr)")
            let straight = try await cluster.run(["--steps", "30", "--every", "5"], label: "straight", job: "straight")
            #expect(resumed.digests == straight.digests)
        }
    }

    /// node-b's whole level-1 directory gone (its disk lost, or a
    /// replacement node): its ranks get their shards from the buddy copies
    /// node-a keeps, or, with no buddies, from level 2.
    @Test(arguments: [true, false])
    func aLostNodeDirectoryIsRestoredFromTheNextLevel(buddies: Bool) async throws {
        try await withScope("ckpt-lost") { scope in
            let cluster = try await CheckpointCluster.start(scope, buddies: buddies)
            #expect(try await cluster.run(Self.first, label: "first").status == 0)
            _ = try #require(try await cluster.complete(20))
            // rm -rf, not FileManager: retention may be removing an older step in there meanwhile.
            try FaultDrill.shell("rm -rf '\(cluster.nodes[1].local)'")
            let resumed = try await cluster.run(Self.resumed, label: "resumed")
            #expect(resumed.stdout.contains("restored step 20"), "\(resumed.stdout)\(resumed.stderr)")
            let restored = try await cluster.events("checkpoint.restored", count: 4)
            let level = buddies ? "from the buddy level" : "from level 2"
            #expect(restored.filter { $0.contains(level) }.count == 2, "ranks 2 and 3: \(restored)")
            let straight = try await cluster.run(["--steps", "30", "--every", "5"], label: "straight", job: "straight")
            #expect(resumed.digests == straight.digests)
        }
    }

    /// Rank 2's shard of step 20 damaged at both levels: every rank goes
    /// back to step 15, which every rank has.
    @Test func aStepNoLevelHasWholeIsPassedOver() async throws {
        try await withScope("ckpt-both") { scope in
            let cluster = try await CheckpointCluster.start(scope)
            #expect(try await cluster.run(Self.first, label: "first").status == 0)
            _ = try #require(try await cluster.complete(20))
            for level in CheckpointLevel.allCases { try Self.flipByte(in: cluster.shard(level: level, step: 20, rank: 2)) }
            let resumed = try await cluster.run(Self.resumed, label: "resumed")
            #expect(resumed.stdout.contains("restored step 15"), "\(resumed.stdout)\(resumed.stderr)")
            #expect(resumed.stderr.contains("rank 2 passes over step 20 at level 2"), "\(resumed.stderr)")
            let straight = try await cluster.run(["--steps", "30", "--every", "5"], label: "straight", job: "straight")
            #expect(resumed.digests == straight.digests)
        }
    }

    /// vigil-train checkpoints every 10 steps; stopped after 25 and run again,
    /// it resumes after step 20 and ends exactly where a run never stopped does.
    @Test func vigilTrainResumesFromItsNewestCheckpoint() async throws {
        try await withScope("ckpt-train") { scope in
            let cluster = try await CheckpointCluster.start(scope)
            func train(_ steps: Int, job: String = "ckpt") async throws -> MPIJob {
                let mpi = try cluster.start(["--steps", "\(steps)", "--params", "4096", "--checkpoint-every", "10", "--log-every", "1000"],
                                            label: "train-\(steps)", job: job, program: Paths.vigilTrain)
                #expect(await mpi.finish() == 0, "\(mpi.child.stderr)")
                return mpi
            }
            _ = try await train(25)
            _ = try #require(try await cluster.complete(20))
            let resumed = try await train(40)
            #expect(resumed.child.stdout.contains("VIGIL_TRAIN_RESUMED step=20"), "\(resumed.child.stdout)")
            let straight = try await train(40, job: "straight")
            #expect(!straight.child.stdout.contains("VIGIL_TRAIN_RESUMED"))
            #expect(resumed.result != nil && resumed.result == straight.result, "\(resumed.result ?? "-") vs \(straight.result ?? "-")")
        }
    }

    /// The Python binding (numpy + mpi4py, agents/python/examples/train.py):
    /// stopped after step 25 and run again, it resumes after step 20 and
    /// ends with the parameters of a run never stopped, bit for bit.
    @Test func thePythonTrainerResumesBitForBit() async throws {
        try await withScope("ckpt-python") { scope in
            let cluster = try await CheckpointCluster.start(scope)
            func train(_ steps: Int, job: String = "ckpt") async throws -> String {
                let mpi = try cluster.start([Paths.pythonBinding + "/examples/train.py", "--steps", "\(steps)", "--every", "10"],
                                            label: "python-\(steps)", job: job, program: Paths.debianPython,
                                            environment: ["PYTHONPATH": Paths.pythonBinding])
                #expect(await mpi.finish() == 0, "\(mpi.child.stderr)")
                return mpi.child.stdout.split(separator: "\n").first { $0.hasPrefix("TRAIN_PY_RESULT") }.map(String.init) ?? "-"
            }
            #expect(try await train(25).contains("step=25"))
            _ = try #require(try await cluster.complete(20))
            let resumed = try await train(40)
            #expect(resumed.hasSuffix("resumed=20"), "\(resumed)")
            let straight = try await train(40, job: "straight")
            #expect(resumed.split(separator: " ").prefix(2) == straight.split(separator: " ").prefix(2), "\(resumed) vs \(straight)")
        }
    }

    /// 8 MiB of state through a 1 MiB pool: the pool never holds more (as
    /// the client counts it, and as the rank's resident memory grows), and
    /// every checkpoint still lands.
    @Test func theStagingPoolStaysWithinItsBound() async throws {
        try await withScope("ckpt-bound") { scope in
            let cluster = try await CheckpointCluster.start(scope)
            let run = try await cluster.run(["--steps", "10", "--every", "2", "--bytes", "\(8 << 20)",
                                             "--staging", "\(1 << 20)"], label: "bound")
            #expect(run.status == 0, "\(run.stderr)")
            for (rank, line) in run.ranks {
                #expect((line.figures["high_water"] ?? .max) <= 1 << 20, "rank \(rank): \(line.figures)")
                // Measured, not accounted: the pool, its two threads' stacks touched, the allocator's slack.
                #expect((line.figures["rss_growth"] ?? .max) <= (1 << 20) + (4 << 20), "rank \(rank): \(line.figures)")
                #expect(line.figures["local"] == 10 && line.figures["errors"] == 0, "rank \(rank): \(line.figures)")
            }
            #expect(run.ranks.count == 4, "\(run.stdout)")
        }
    }

    /// Keeping one complete checkpoint per level: each newer one complete
    /// removes the one before at that level, except the pinned step 10.
    @Test func retentionKeepsTheNewestAndThePinned() async throws {
        try await withScope("ckpt-retention") { scope in
            let cluster = try await CheckpointCluster.start(scope, serverArguments: ["--checkpoint-keep", "1"])
            #expect(try await cluster.run(["--steps", "10", "--every", "5", "--wait-level", "3"], label: "first").status == 0)
            _ = try #require(try await cluster.complete(10))
            let pin = try await cluster.server.cli(["checkpoints", "pin", "--job", "ckpt", "10", "--token-file", cluster.server.tokenFile])
            #expect(pin.status == 0 && pin.out == "ckpt step 10 pinned\n", "\(pin.err)")
            #expect(try await cluster.run(["--steps", "20", "--every", "5", "--wait-level", "3", "--resume"], label: "second")
                .status == 0)
            _ = try #require(try await cluster.complete(20))
            let store = try cluster.server.store()
            var states: [Int64: [StoredCheckpoint.Level.State]] = [:]
            let settled = await eventually(timeout: .seconds(20), every: .milliseconds(100)) {
                let rows = (try? await store.checkpoints(job: "ckpt", limit: 100)) ?? []
                states = Dictionary(uniqueKeysWithValues: rows.map { ($0.step, $0.levels.map(\.state)) })
                return states[5] == [.removed, .removed, .removed] && states[15] == [.removed, .removed, .removed]
            }
            #expect(settled, "steps 5 and 15 removed at every level: \(states)")
            #expect(states[10] == [.complete, .complete, .complete] && states[20] == [.complete, .complete, .complete], "\(states)")
            for step in [5, 10, 15, 20] {
                for root in cluster.nodes.flatMap({ [$0.local, $0.buddy!] }) + [cluster.shared] {
                    let there = FileManager.default.fileExists(atPath: root + String(format: "/ckpt/step-%012d", step))
                    #expect(there == (step == 10 || step == 20), "\(root) step \(step)")
                }
            }
            let listed = try await cluster.server.cli(["checkpoints", "--job", "ckpt"])
            #expect(listed.out.hasPrefix("ckpt: restorable step 20 at level 1"), "\(listed.out)")
        }
    }

    /// node-b's level 1 on a tmpfs that holds two of its 1 MiB shards, not
    /// three: from its second checkpoint on (whichever rank gets there first)
    /// node-b's shards meet a full disk. Training goes on; the ranks hear why
    /// from the API; the store says which level failed and why; and no
    /// level of any step is complete without every shard there.
    @Test func aFullDiskFailsTheCheckpointNotTheTraining() async throws {
        try await withScope("ckpt-full") { scope in
            let cluster = try await CheckpointCluster.start(scope)
            let small = cluster.nodes[1].local
            try FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: true)
            let mount = try ChildProcess("/bin/mount", ["-t", "tmpfs", "-o", "size=2500k", "tmpfs", small],
                                         outputDirectory: scope.directory, label: "mount")
            #expect(await mount.wait(timeout: .seconds(10)) == 0, "\(mount.stderr)")
            scope.stopAfterwards { _ = await (try? ChildProcess("/bin/umount", [small], outputDirectory: scope.directory,
                                                                label: "umount"))?.wait(timeout: .seconds(10)) }
            let run = try await cluster.run(["--steps", "20", "--every", "5"], label: "full")
            #expect(run.status == 0 && run.ranks.values.filter { $0.figures["step"] == 20 }.count == 4, "training goes on: \(run.stderr)")
            #expect(run.ranks.filter { $0.key >= 2 }.contains { ($0.value.figures["errors"] ?? 0) > 0 }, "\(run.stdout)")
            #expect(run.stderr.contains("No space left on device"), "\(run.stderr)")
            let store = try cluster.server.store()
            var rows: [StoredCheckpoint] = []
            let failed = await eventually(timeout: .seconds(20), every: .milliseconds(100)) {
                rows = (try? await store.checkpoints(job: "ckpt", limit: 100)) ?? []
                return rows.first { $0.step == 20 }?.level(.local)?.state == .failed
            }
            #expect(failed, "\(rows)")
            #expect(rows.contains { $0.level(.local)?.failure?.contains("No space left on device") == true }, "\(rows)")
            for root in cluster.nodes.map(\.local) + [cluster.shared] {
                for step in [5, 10, 15, 20] {
                    let directory = root + String(format: "/ckpt/step-%012d", step)
                    guard FileManager.default.fileExists(atPath: directory + "/MANIFEST") else { continue }
                    let shards = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".shard") }
                    #expect(shards.count == (root == cluster.shared ? 4 : 2), "\(directory) complete with \(shards)")
                }
            }
            #expect(rows.filter { $0.isComplete(at: .local) }.allSatisfy { $0.level(.local)?.durableShards == 4 })
        }
    }

    /// Without an agent nothing could ever commit a checkpoint: init says so.
    @Test func withoutAnAgentInitSaysWhy() async throws {
        try await withScope("ckpt-noagent") { scope in
            let mpi = try scope.job(ranks: 2, program: Paths.checkpointCheck, ["--dir", scope.directory.path],
                                    environment: ["VIGIL_DISABLE": "1"], label: "noagent")
            #expect(await mpi.finish() != 0)
            #expect(mpi.child.stderr.contains("no vigil agent on this node"), "\(mpi.child.stderr)")
        }
    }

    /// With the server gone no manifest ever comes: once a rank's oldest
    /// shard has waited for its commit longer than the stall limit (1 s
    /// here) its saves are refused (EBUSY, saying why) while training goes
    /// on, so neither level fills with shards nothing restores.
    @Test func uncommittedShardsAreBoundedWithoutAServer() async throws {
        try await withScope("ckpt-uncommitted") { scope in
            let cluster = try await CheckpointCluster.start(scope)
            await cluster.server.stop()
            let run = try await cluster.run(["--steps", "30", "--every", "1", "--bytes", "65536", "--compute-us", "100000"],
                                            label: "cut-off", environment: ["VIGIL_CKPT_COMMIT_STALL_S": "1"])
            #expect(run.status == 0 && run.ranks.count == 4, "training went on: \(run.stderr)")
            #expect(run.stderr.contains("wait for their commit"), "the API said why saves were skipped: \(run.stderr)")
            #expect(run.ranks.values.allSatisfy { $0.figures["errors"] ?? 0 >= 10 }, "the saves after the stall refused")
            for root in cluster.nodes.map(\.local) + [cluster.shared] {
                let steps = try FileManager.default.contentsOfDirectory(atPath: root + "/ckpt").filter { $0.hasPrefix("step-") }
                #expect((1...16).contains(steps.count), "\(root) holds at most 16 uncommitted steps: \(steps.sorted())")
            }
        }
    }
}
