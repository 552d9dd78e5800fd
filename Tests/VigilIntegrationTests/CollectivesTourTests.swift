import Foundation
import Testing
import VigilCore

/// Every intercepted MPI call, once, on 4 ranks: each record has the right
/// op, byte count (docs/telemetry.md conventions), root and communicator.
@Suite(.serialized)
struct CollectivesTourTests {
    static let ranks = 4
    static let buffer: UInt64 = 16 * 8              // 16 doubles
    static let gathered = buffer * UInt64(ranks)    // per-rank buffer x communicator size

    /// op → (bytes, root) on COMM_WORLD, in call order.
    static let world: [(CollectiveOp, UInt64, Int32)] = [
        (.allreduce, buffer, -1), (.reduce, buffer, 1), (.bcast, buffer, 0), (.barrier, 0, -1),
        (.allgather, gathered, -1), (.allgatherv, gathered, -1), (.reduceScatter, gathered, -1),
        (.reduceScatterBlock, gathered, -1), (.alltoall, gathered, -1), (.alltoallv, gathered, -1),
        (.gather, gathered, 0), (.scatter, gathered, 0),
        (.iallreduce, buffer, -1), (.ibcast, buffer, 0), (.iallgather, gathered, -1),
        (.alltoall, gathered, -1), (.gather, gathered, 0), (.scatter, gathered, 0),  // MPI_IN_PLACE
        (.barrier, 0, -1),
    ]

    @Test func everyInterceptedCallIsRecordedFaithfully() async throws {
        try await withScope("tour") { scope in
            let agent = try await scope.agent()
            let job = try scope.job(ranks: Self.ranks, program: Paths.collectivesTour, [],
                                    environment: agent.rankEnvironment)
            #expect(await job.finish() == 0, "tour failed: \(job.child.stderr)")
            let ended = await eventually(timeout: .seconds(10)) {
                (try? await agent.report())?.ranks.filter { $0.status == .finished }.count == Self.ranks
            }
            #expect(ended)
            let dump = try await agent.flightRecorders()
            #expect(dump.ranks.count == Self.ranks)

            var derived: [String: [Int: UInt64]] = ["dup": [:], "cart": [:], "split": [:]]
            for rank in dump.ranks {
                let r = rank.identity.rank
                let world = rank.records.filter { $0.communicator == 1 }.sorted { $0.seq < $1.seq }
                #expect(world.map(\.seq) == Array(1...UInt64(Self.world.count)), "rank \(r) world seqs")
                for (record, (op, bytes, root)) in zip(world, Self.world) {
                    #expect(record.op == op && record.bytes == bytes && record.peer == root,
                            "rank \(r): \(record.op.name) bytes \(record.bytes) root \(record.peer), expected \(op.name) \(bytes) \(root)")
                    #expect(record.communicatorSize == 4 && !record.failed && record.exitNs >= record.enterNs)
                }
                let others = rank.records.filter { $0.communicator != 1 && !$0.op.isPointToPoint }
                let dup = try #require(others.first { $0.op == .allreduce })
                let cart = try #require(others.first { $0.op == .barrier })
                let split = try #require(others.first { $0.op == .bcast })
                #expect(dup.communicatorSize == 4 && dup.seq == 1 && dup.bytes == Self.buffer)
                #expect(cart.communicatorSize == 4 && cart.seq == 1)
                #expect(split.communicatorSize == 2 && split.peer == Int32(r % 2), "split root is world rank \(r % 2)")
                derived["dup"]![r] = dup.communicator
                derived["cart"]![r] = cart.communicator
                derived["split"]![r] = split.communicator

                let right = Int32((r + 1) % Self.ranks), left = Int32((r + Self.ranks - 1) % Self.ranks)
                let sent = rank.records.filter { $0.op == .p2pSend && $0.peer == right }
                let received = rank.records.filter { $0.op == .p2pRecv && $0.peer == left }
                #expect(sent.map(\.seq).reduce(0, +) == 3 && sent.map(\.bytes).reduce(0, +) == 3 * Self.buffer,
                        "rank \(r) sends: \(sent)")
                #expect(received.map(\.seq).reduce(0, +) == 3 && received.map(\.bytes).reduce(0, +) == 3 * Self.buffer,
                        "rank \(r) receives: \(received)")
            }
            for name in ["dup", "cart"] {
                #expect(Set(derived[name]!.values).count == 1, "\(name) id differs between members: \(derived[name]!)")
            }
            let split = derived["split"]!
            #expect(split[0] == split[2] && split[1] == split[3] && split[0] != split[1], "split ids: \(split)")
            let all = Set(derived.values.flatMap(\.values))
            #expect(!all.contains(1) && all.count == 4, "derived communicators need distinct ids")
        }
    }

    /// Telemetry on some ranks only (an agent down on one node, libvigil
    /// disabled on a few): libvigil adds no communication of its own, so the
    /// job cannot be left waiting, and the traced ranks are still recorded.
    @Test func aJobWithUntracedRanksStillRunsAndIsTraced() async throws {
        try await withScope("partial") { scope in
            let agent = try await scope.agent()
            let job = try scope.job(ranks: 2, program: Paths.collectivesTour, [], environment: agent.rankEnvironment,
                                    untracedRanks: 2)
            #expect(await job.finish(timeout: .seconds(60)) == 0, "partial job failed: \(job.child.stderr)")
            let traced = await eventually(timeout: .seconds(10)) {
                let report = try? await agent.report()
                return report?.ranks.count == 2 && report!.ranks.allSatisfy { $0.status == .finished }
            }
            #expect(traced)
            let ranks = try await agent.report().ranks.map(\.identity.rank).sorted()
            #expect(ranks == [0, 1])
        }
    }
}
