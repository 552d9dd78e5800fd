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
