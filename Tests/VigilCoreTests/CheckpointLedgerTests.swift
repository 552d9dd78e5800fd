import Testing
import VigilCore

/// The server's tally: a step is committed once every rank's shard is
/// durable at a level, by the nodes that hold them (level 1, the buddy
/// level) or rank 0's node (level 2); sets left behind are abandoned; the
/// tally stays bounded; buddies make a ring.
struct CheckpointLedgerTests {
    static func durable(step: Int64, rank: Int, world: Int = 4, level: CheckpointLevel = .local) -> CheckpointShardEvent {
        CheckpointShardEvent(job: "j", step: step, rank: rank, worldSize: world, level: level, state: .durable,
                             bytes: 100 + UInt64(rank), checksum: UInt64(rank) * 7,
                             root: level.isPerNode ? "/\(level == .local ? "local" : "buddy")/\(rank < 2 ? "a" : "b")" : "/shared", atNs: UInt64(step) * 1_000 + UInt64(rank))
    }

    static func node(_ rank: Int) -> String { rank < 2 ? "node-a" : "node-b" }

    @Test(arguments: CheckpointLevel.allCases)
    func theLastShardCommitsTheStep(level: CheckpointLevel) throws {
        var ledger = CheckpointLedger()
        for rank in [2, 0, 3] {
            #expect(ledger.record(Self.durable(step: 10, rank: rank, level: level), from: Self.node(rank)).commits.isEmpty)
        }
        let commits = ledger.record(Self.durable(step: 10, rank: 1, level: level), from: "node-a").commits
        #expect(commits.map(\.node) == (level.isPerNode ? ["node-a", "node-b"] : ["node-a"]))
        let place = level == .local ? "local" : "buddy"
        #expect(commits.map(\.root) == (level.isPerNode ? ["/\(place)/a", "/\(place)/b"] : ["/shared"]))
        #expect(commits.map(\.ranks) == (level.isPerNode ? [[0, 1], [2, 3]] : [[]]), "the ranks each node holds")
        #expect(commits.first?.heldShards.map(\.rank) == (level.isPerNode ? [0, 1] : []))
        let manifest = try #require(commits.first?.manifest)
        #expect(manifest.shards.map(\.rank) == [0, 1, 2, 3] && manifest.shards.map(\.bytes) == [100, 101, 102, 103])
        #expect(ledger.pendingCount == 0)
    }

    @Test func buddiesMakeARingInNameOrder() {
        #expect(CheckpointReplication.buddies(of: ["c", "a", "b"]) == ["a": "b", "b": "c", "c": "a"])
        #expect(CheckpointReplication.buddies(of: ["a", "b"]) == ["a": "b", "b": "a"])
        #expect(CheckpointReplication.buddies(of: ["a"]).isEmpty, "one node alone has no buddy")
    }

    @Test func failuresAndRestoresDoNotCount() {
        var ledger = CheckpointLedger()
        for rank in 0..<4 {
            var event = Self.durable(step: 10, rank: rank)
            event.state = rank == 3 ? .failed : .durable
            #expect(ledger.record(event, from: Self.node(rank)).commits.isEmpty)
        }
        #expect(ledger.pendingCount == 1)
    }

    /// Rank 3 died saving step 10; step 15 completes: step 10 is abandoned.
    @Test func aSetLeftBehindIsAbandoned() {
        var ledger = CheckpointLedger()
        for rank in 0..<3 { _ = ledger.record(Self.durable(step: 10, rank: rank), from: Self.node(rank)) }
        for rank in 0..<3 { _ = ledger.record(Self.durable(step: 15, rank: rank), from: Self.node(rank)) }
        let outcome = ledger.record(Self.durable(step: 15, rank: 3), from: Self.node(3))
        #expect(outcome.commits.count == 2)
        #expect(outcome.abandoned == [CheckpointLedger.Key(job: "j", step: 10, level: .local)])
        #expect(ledger.pendingCount == 0)
    }

    /// A job restarted on fewer ranks saves a step again: the old world's shards do not count.
    @Test func shardsOfAnotherWorldSizeDoNotCount() {
        var ledger = CheckpointLedger()
        for rank in 0..<3 { _ = ledger.record(Self.durable(step: 10, rank: rank, world: 4), from: Self.node(rank)) }
        #expect(ledger.record(Self.durable(step: 10, rank: 0, world: 2), from: "node-a").commits.isEmpty)
        #expect(ledger.record(Self.durable(step: 10, rank: 1, world: 2), from: "node-a").commits.count == 1)
    }

    /// Attempt 1 died saving step 60; attempt 2 resumed from step 50 and saves 60 again.
    /// Attempt 1's shards, even one arriving late, never complete attempt 2's set.
    @Test func aSetIsNeverMadeWholeFromTwoAttempts() throws {
        func shard(_ rank: Int, attempt: Int) -> CheckpointShardEvent {
            var event = Self.durable(step: 60, rank: rank)
            event.attempt = attempt
            event.checksum = UInt64(1_000 * attempt + rank)
            return event
        }
        var ledger = CheckpointLedger()
        for rank in 0..<3 { #expect(ledger.record(shard(rank, attempt: 1), from: Self.node(rank)).commits.isEmpty) }
        for rank in 0..<3 { #expect(ledger.record(shard(rank, attempt: 2), from: Self.node(rank)).commits.isEmpty) }
        #expect(ledger.record(shard(3, attempt: 1), from: Self.node(3)).commits.isEmpty, "attempt 1's last shard, replayed late")
        let commits = ledger.record(shard(3, attempt: 2), from: Self.node(3)).commits
        let manifest = try #require(commits.first?.manifest)
        #expect(manifest.shards.map(\.checksum) == [2_000, 2_001, 2_002, 2_003], "attempt 2's own files")
    }

    @Test func theTallyStaysBounded() {
        var ledger = CheckpointLedger(limit: 8)
        var abandoned: [CheckpointLedger.Key] = []
        for step in 1...20 { abandoned += ledger.record(Self.durable(step: Int64(step), rank: 0), from: "node-a").abandoned }
        #expect(ledger.pendingCount == 8)
        #expect(abandoned.map(\.step) == Array(1...12))
    }
}

/// The manifest's text is its own proof: any change to it is found.
struct CheckpointManifestTests {
    static let manifest = CheckpointManifest(job: "train-7", step: 1_200, level: .shared,
                                             shards: [.init(rank: 1, bytes: 20, checksum: 0xFF), .init(rank: 0, bytes: 10, checksum: 1)])

    @Test func itRoundTripsInRankOrder() throws {
        #expect(try CheckpointManifest.parse(Self.manifest.text) == Self.manifest)
        #expect(Self.manifest.text.hasPrefix("vigil-manifest 1\njob train-7\nstep 1200\nlevel 3\nworld 2\nshard 0 10 0000000000000001\n"))
        #expect(Self.manifest.bytes == 30)
    }

    @Test(arguments: [("shard 1 20", "shard 1 21", CheckpointManifestError.checksumMismatch),
                      ("\nend ", "\nand ", .truncated)])
    func anyChangeIsRefused(from: String, to: String, error: CheckpointManifestError) {
        let damaged = Self.manifest.text.replacingOccurrences(of: from, with: to)
        #expect(throws: error) { try CheckpointManifest.parse(damaged) }
    }
}

/// Retention keeps the newest `keep` complete checkpoints per level, the
/// pinned ones, and anything newer than the newest complete one.
struct CheckpointRetentionTests {
    static func checkpoint(_ step: Int64, _ states: [CheckpointLevel: StoredCheckpoint.Level.State],
                           pinned: Bool = false) -> StoredCheckpoint {
        StoredCheckpoint(job: "j", step: step, worldSize: 2, startedNs: UInt64(step), pinned: pinned, levels: states.map {
            StoredCheckpoint.Level(level: $0.key, state: $0.value, durableShards: 2, bytes: 10, slowestNs: 1, blockedNs: 0,
                                   completedNs: $0.value == .complete ? UInt64(step) : nil, failure: nil)
        })
    }

    static func removed(_ checkpoints: [StoredCheckpoint], keep: Int) -> [String] {
        CheckpointRetention.removals(checkpoints, keep: keep).map { "\($0.0.step)@\($0.1.level.rawValue)" }
    }

    @Test func theNewestKeepCompleteOnesStayPerLevel() {
        let all = (1...5).map { Self.checkpoint(Int64($0) * 10, [.local: .complete, .shared: $0 == 5 ? .partial : .complete]) }
        #expect(Self.removed(all, keep: 3) == ["10@1", "10@3", "20@1"])
        #expect(Self.removed(all, keep: 1) == ["10@1", "10@3", "20@1", "20@3", "30@1", "30@3", "40@1"])
    }

    @Test func pinnedAndNewerThanTheNewestCompleteStay() {
        let all = [Self.checkpoint(10, [.local: .complete], pinned: true), Self.checkpoint(20, [.local: .abandoned]),
                   Self.checkpoint(30, [.local: .complete]), Self.checkpoint(40, [.local: .partial]),
                   Self.checkpoint(5, [.local: .removing])]
        #expect(Self.removed(all, keep: 1) == ["20@1"])
    }

    @Test func nothingGoesWithoutACompleteOne() {
        let all = [Self.checkpoint(10, [.local: .failed]), Self.checkpoint(20, [.local: .partial])]
        #expect(Self.removed(all, keep: 1).isEmpty)
    }
}
