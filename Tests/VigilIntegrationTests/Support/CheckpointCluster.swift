import Foundation
import VigilCore

/// The checkpoint tests' bench (CheckpointClientTests, CheckpointCrashTests):
/// a real server and two agents on this host standing for two nodes (ranks
/// 0 and 1 of vigil-ckpt-check on node-a, 2 and 3 on node-b), each with a
/// level-1 directory of its own, a buddy directory holding the other's
/// shards (unless `buddies` is false) and the shared level 2 between them.
struct CheckpointCluster {
    /// One rank's closing line: its parameters' digest and the client's figures.
    struct RankLine {
        var digest: String
        var figures: [String: UInt64]
    }

    struct Run {
        var status: Int32?
        var ranks: [Int: RankLine]
        var stdout: String
        var stderr: String

        var digests: [String] { (0..<4).map { ranks[$0]?.digest ?? "-" } }
    }

    let scope: TestScope
    let server: ServerHarness
    let nodes: [(agent: AgentHarness, local: String, buddy: String?)]
    let shared: String

    static func start(_ scope: TestScope, serverArguments: [String] = [], buddies: Bool = true) async throws -> CheckpointCluster {
        let server = try await scope.server(arguments: serverArguments)
        let shared = scope.directory.appendingPathComponent("shared").path
        var nodes: [(AgentHarness, String, String?)] = []
        for name in ["node-a", "node-b"] {
            let local = scope.directory.appendingPathComponent("local-\(name)").path
            let buddy = buddies ? scope.directory.appendingPathComponent("buddy-\(name)").path : nil
            let agent = try await scope.agent(named: name, arguments: server.agentArguments(node: name)
                + ["--checkpoint-local", local, "--checkpoint-shared", shared, "--probe-port", "0"]
                + (buddy.map { ["--checkpoint-buddy", $0, "--buddy-port", "0"] } ?? []))
            nodes.append((agent, local, buddy))
        }
        return CheckpointCluster(scope: scope, server: server, nodes: nodes, shared: shared)
    }

    /// The levels the cluster keeps.
    var levels: [CheckpointLevel] { nodes[0].buddy == nil ? [.local, .shared] : [.local, .buddy, .shared] }

    /// vigil-ckpt-check (or `program`) on the two nodes, started.
    func start(_ arguments: [String], label: String, job: String = "ckpt",
               program: String = Paths.checkpointCheck, environment more: [String: String] = [:]) throws -> MPIJob {
        let environment = more.merging(["VIGIL_JOB_ID": job]) { $1 }
        return try scope.job(ranks: 2, program: program, arguments,
                             environment: nodes[0].agent.rankEnvironment.merging(environment) { $1 },
                             moreRanks: (2, nodes[1].agent.rankEnvironment.merging(environment) { $1 }), label: label)
    }

    /// vigil-ckpt-check run to its end.
    func run(_ arguments: [String], label: String, job: String = "ckpt", environment: [String: String] = [:]) async throws -> Run {
        let mpi = try start(arguments, label: label, job: job, environment: environment)
        return await Self.finish(mpi)
    }

    static func finish(_ mpi: MPIJob) async -> Run {
        let status = await mpi.finish(timeout: .seconds(120))
        var ranks: [Int: RankLine] = [:]
        for line in mpi.child.stdout.split(separator: "\n") where line.hasPrefix("rank ") {
            let words = line.split(separator: " ").map(String.init)
            guard words.count >= 4, let rank = Int(words[1]), words[2] == "digest" else { continue }
            var figures: [String: UInt64] = [:]
            for i in stride(from: 4, to: words.count - 1, by: 2) { figures[words[i]] = UInt64(words[i + 1]) }
            ranks[rank] = RankLine(digest: words[3], figures: figures)
        }
        return Run(status: status, ranks: ranks, stdout: mpi.child.stdout, stderr: mpi.child.stderr)
    }

    /// Waits until the store has `step` complete at every level the cluster keeps; the checkpoint as stored.
    func complete(_ step: Int64, job: String = "ckpt") async throws -> StoredCheckpoint? {
        let store = try server.store()
        var found: StoredCheckpoint?
        _ = await eventually(timeout: .seconds(20), every: .milliseconds(100)) {
            found = try? await store.checkpoints(job: job, limit: 100).first { $0.step == step }
            return found.map { checkpoint in levels.allSatisfy { checkpoint.isComplete(at: $0) } } ?? false
        }
        return found
    }

    /// The timeline's events of `kind` once there are `count` (they come with the agents' next batches).
    func events(_ kind: String, count: Int) async throws -> [String] {
        let store = try server.store()
        var found: [String] = []
        _ = await eventually(timeout: .seconds(10), every: .milliseconds(100)) {
            found = ((try? await store.events(afterID: 0, limit: 10_000)) ?? []).filter { $0.kind == kind }.map(\.message)
            return found.count >= count
        }
        return found
    }

    /// Rank `rank`'s shard, its ranks on `node`: at the buddy level it is on the other node.
    func shard(level: CheckpointLevel, node: Int = 1, step: Int, rank: Int) -> String {
        let root = switch level {
        case .local: nodes[node].local
        case .buddy: nodes[1 - node].buddy ?? "/nonexistent"
        case .shared: shared
        }
        return root + String(format: "/ckpt/step-%012d/rank-%06d.shard", step, rank)
    }
}

