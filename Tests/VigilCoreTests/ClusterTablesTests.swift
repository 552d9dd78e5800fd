import Testing
import VigilCore

struct ClusterTablesTests {
    @Test func nodesTable() {
        let health = NodeHealth(wallNs: 0, cpuBusyPermille: 734, memoryTotalBytes: 24 << 30,
                                memoryAvailableBytes: 3 << 29, load1Centi: 187, diskFreeBytes: 0,
                                nics: [.init(name: "eth0", rxBytes: 0, txBytes: 0, rxErrors: 0, txErrors: 0, up: true),
                                       .init(name: "ib0", rxBytes: 0, txBytes: 0, rxErrors: 0, txErrors: 0, up: false)])
        let nodes = [NodeSummary(name: "node-1", lastBatch: 42, lastSeenNs: 8_500_000_000, health: health,
                                 loss: SpoolLoss(batches: 2, records: 9)),
                     NodeSummary(name: "node-2", lastBatch: 0, lastSeenNs: 1_000_000_000, health: nil, cordoned: true)]
        #expect(ClusterTables.nodes(nodes, nowNs: 10_000_000_000) == """
            NODE    SCHEDULING  LAST SEEN  BATCHES  CPU  MEM AVAIL  LOAD  NICS            LOST BATCHES
            node-1  ok               1.5s       42  73%    1.50GiB  1.87  eth0,ib0(down)             2
            node-2  cordoned         9.0s        0    -          -     -  -                          0

            """)
    }

    @Test func accountsTable() {
        let accounts = [RankAccount(job: "j", rank: 1, node: "n", produced: 100, droppedAtRank: 5, pending: 0, stored: 90),
                        RankAccount(job: "j", rank: 0, node: "n", produced: 10, droppedAtRank: 0, pending: 0, stored: 10)]
        #expect(ClusterTables.accounts(accounts) == """
            RANK  NODE  PRODUCED  STORED  DROPPED AT RANK  PENDING  LOST IN TRANSIT
               0  n           10      10                0        0                0
               1  n          100      90                5        0                5

            """)
    }
}

extension ClusterTablesTests {
    /// Where the job can restore from comes first, then every checkpoint by level.
    @Test func checkpointsSayWhatIsRestorable() {
        let second: UInt64 = 1_000_000_000, now = 1_700_000_100 * second
        func level(_ level: CheckpointLevel, _ state: StoredCheckpoint.Level.State, done: Int) -> StoredCheckpoint.Level {
            StoredCheckpoint.Level(level: level, state: state, durableShards: done, bytes: UInt64(done) << 20,
                                   slowestNs: 50_000_000, blockedNs: 40_000, completedNs: state == .complete ? now - 30 * second : nil,
                                   failure: state == .failed ? "rank 3: No space left on device" : nil)
        }
        let rows = [
            StoredCheckpoint(job: "train", step: 30, worldSize: 4, startedNs: now - 5 * second,
                             levels: [level(.local, .failed, done: 3)]),
            StoredCheckpoint(job: "train", step: 20, worldSize: 4, startedNs: now - 40 * second,
                             levels: [level(.local, .complete, done: 4), level(.buddy, .complete, done: 4),
                                      level(.shared, .committing, done: 4)]),
        ]
        #expect(ClusterTables.checkpoints(rows, nowNs: now) == """
            train: restorable step 20 at level 1 (30.0s ago), step 20 at buddy (30.0s ago); at risk: 10 steps (newest saved 30)
            JOB    STEP    STARTED  LEVEL 1     BUDDY     LEVEL 2           BYTES  BLOCKED    FLUSH  FAILURE
            train    30   5.0s ago  failed 3/4  -         -               3.00MiB   40.0µs  62 MB/s  rank 3: No space left on device
            train    20  40.0s ago  complete    complete  committing 4/4  4.00MiB   40.0µs  83 MB/s

            """)
    }

    /// A checkpoint under way: one rank still copying into its pool, one
    /// staged, two durable; the level says how far the slowest got.
    @Test func shardsSayHowFarEachGot() {
        let second: UInt64 = 1_000_000_000, now = 1_700_000_100 * second
        func shard(_ rank: Int, _ state: CheckpointShardEvent.State, copyMs: UInt64, writeMs: UInt64) -> StoredShard {
            StoredShard(level: .local, rank: rank, node: rank < 2 ? "a" : "b", root: "/l", state: state, bytes: 64 << 20,
                        checksum: state == .durable ? 0x9F2C_4E1A_03B5_D7E8 : 0, durationNs: writeMs * 1_000_000,
                        copyNs: copyMs * 1_000_000, blockedNs: 40_000, detail: "", atNs: now - 2 * second)
        }
        let shards = [shard(0, .durable, copyMs: 12, writeMs: 80), shard(1, .durable, copyMs: 14, writeMs: 100),
                      shard(2, .staged, copyMs: 20, writeMs: 20), shard(3, .copying, copyMs: 0, writeMs: 0)]
        #expect(ClusterTables.shards(shards, job: "train", step: 30, nowNs: now) == """
            train step 30
            LEVEL    RANK  NODE  STATE       BYTES  XXH3                COPY    WRITE       RATE  BLOCKED   AGE  DETAIL
            level 1     0  a     durable  64.00MiB  9f2c4e1a03b5d7e8  12.0ms   80.0ms   838 MB/s   40.0µs  2.0s
            level 1     1  a     durable  64.00MiB  9f2c4e1a03b5d7e8  14.0ms  100.0ms   671 MB/s   40.0µs  2.0s
            level 1     2  b     staged   64.00MiB  -                 20.0ms        -  3355 MB/s   40.0µs  2.0s
            level 1     3  b     copying  64.00MiB  -                      -        -          -   40.0µs  2.0s

            """)
        let level = StoredCheckpoint.Level(level: .local, state: .copying, durableShards: 2, copyingShards: 1, stagedShards: 1,
                                           bytes: 128 << 20, slowestNs: 0, blockedNs: 0, completedNs: nil, failure: nil)
        #expect(level.progress(of: 4) == "copying 4/4")
        var staged = level
        (staged.state, staged.copyingShards) = (.staged, 0)
        #expect(staged.progress(of: 4) == "staged 3/4")
    }
}
