import VigilCore

/// One of every telemetry item, with realistic values.
enum Fixtures {
    static let identity = RankIdentity(job: "job-7", rank: 3, worldSize: 8, pid: 4242, host: "node-2", attempt: 3)

    static var stats: StatWindow {
        var w = StatWindow(job: "job-7", rank: 3, key: .init(communicator: 1, op: .allreduce, sizeBucket: 14),
                           startNs: 1_700_000_000_000_000_000, endNs: 1_700_000_001_000_000_000)
        for ns: UInt64 in [9_000, 12_000, 250_000] {
            w.add(CollectiveRecord(op: .allreduce, communicator: 1, seq: 1, enterNs: 0, exitNs: ns, bytes: 8_192,
                                   communicatorSize: 8))
        }
        return w
    }

    static var link: LinkWindow {
        var t = PeerTraffic(peer: 4)
        (t.sent, t.sentBytes, t.sendBusyNs, t.received, t.receivedBytes, t.receiveBusyNs) = (10, 20_480, 9_000, 10, 20_480, 7_000)
        return LinkWindow(job: "job-7", rank: 3, peer: 4, startNs: 5, endNs: 1_000_000_005, traffic: t)
    }

    static let health = NodeHealth(
        wallNs: 1_700_000_000_123_456_789, cpuBusyPermille: 734, memoryTotalBytes: 24 << 30,
        memoryAvailableBytes: 20 << 30, load1Centi: 187, diskFreeBytes: 80 << 30,
        nics: [.init(name: "eth0", rxBytes: 1 << 40, txBytes: 1 << 39, rxErrors: 0, txErrors: 2, up: true)],
        gpus: [.init(index: 0, utilizationPercent: 97, memoryUsedBytes: 70 << 30, temperatureCelsius: 71)],
        cpu: CPUPressure(cores: 64, runQueue: 71, iowaitPermille: 12, stealPermille: 3, stallPermille: 240, memoryStallPermille: -1))

    static let rank = RankSnapshot(
        identity: identity, status: .running, exitStatus: nil,
        counters: RingCounters(consumed: 1_000, pending: 3, dropped: 0),
        blocked: BlockedCall(op: .allreduce, communicator: 1, seq: 1_001, sinceNs: 1_700_000_000_900_000_000),
        progress: [.init(communicator: 1, size: 8, lastSeqEntered: 1_001, lastSeqLeft: 1_000)],
        cpuThrottledNs: 4_500_000_000, endedNs: 1_700_000_001_200_000_000)

    /// Blocked in a point-to-point Waitall on six peers, four listed; throttling unreadable.
    static let waitingRank = RankSnapshot(
        identity: identity, status: .running, exitStatus: nil, counters: RingCounters(consumed: 7),
        blocked: BlockedCall(op: .p2pWait, communicator: 0, seq: 0, sinceNs: 1_700_000_000_900_000_000,
                             peers: [0, 2, 5, 7], peerCount: 6),
        progress: [],
        waits: WaitProfile(spanNs: 1_000_000_000, blockedNs: 640_000_000,
                           peers: [.init(peer: 5, ns: 600_000_000), .init(peer: 0, ns: 40_000_000)],
                           longestWaitNs: 35_000_000))

    static let instances = InstanceEvents(job: "job-7", attempt: 3, events: [
        InstanceEvent(communicator: 1, seq: 41, op: .allreduce, communicatorSize: 8, rank: 3,
                      enterNs: 1_700_000_000_000_000_000, durationNs: 12_000),
        InstanceEvent(communicator: 1, seq: 42, op: .allreduce, communicatorSize: 8, rank: 3,
                      enterNs: 1_700_000_000_000_500_000, durationNs: 9_000, gapNs: 488_000, bytes: 1 << 20),
        InstanceEvent(communicator: 0x2_0000_0003, seq: 7, op: .bcast, communicatorSize: 4, rank: 3,
                      enterNs: 1_700_000_000_000_400_000, durationNs: 300, gapNs: 77),
    ])

    static let run = JobRun(job: "job-7", attempt: 2, node: "node-1", hosts: [HostSlots(host: "node-1", slots: 2),
                                                                              HostSlots(host: "10.0.0.2", slots: 2)],
                            command: ["/opt/train", "--lr", "it's 0.1", ""], state: .exited, startedNs: 1_700_000_000_000_000_000,
                            endedNs: 1_700_000_060_000_000_000, exitStatus: 3, stdoutTail: "step 10 loss 0.5\n",
                            stderrTail: "warning: ✓ unicode\n",
                            spec: RunSpec(job: "job-7", attempt: 2, hosts: [HostSlots(host: "node-1", slots: 2)],
                                          command: ["/opt/train"], environment: ["TOKEN": "s3cret"], libvigil: "/opt/libvigil.so"))

    static let probe = LinkProbe(job: "job-7", from: "node-a", to: "node-b", rttNs: 420_000, bytes: 1 << 20,
                                 transferNs: 170_000_000, atNs: 1_700_000_001_000_000_000)

    static let probeRequest = ProbeRequest(job: "job-7", bytes: 1 << 20, startNs: 1_700_000_002_000_000_000,
                                           slotNs: 1_000_000_000, peers: [.init(node: "node-b", host: "10.0.0.2", port: 7079, slot: 2)])

    static let shard: CheckpointShardEvent = {
        var event = CheckpointShardEvent(job: "job-7", step: 1_200, rank: 3, worldSize: 8, attempt: 3, level: .local, state: .durable,
                                         bytes: 536_871_000, checksum: 0x9F2C_4E1A_03B5_D7E8, root: "/local/ckpt",
                                         atNs: 1_700_000_003_000_000_000)
        (event.durationNs, event.blockedNs) = (310_000_000, 40_000)
        return event
    }()

    static let manifestWritten = CheckpointManifestEvent(job: "job-7", step: 1_200, level: .shared, root: "/shared/ckpt",
                                                         outcome: .failed, detail: "cannot fsync: No space left on device",
                                                         atNs: 1_700_000_004_000_000_000)

    static let stopped = JobControlReply(job: "job-7", attempt: 2, action: .stop, ok: true, ranks: 8, mpirun: true,
                                         atNs: 1_700_000_005_000_000_000)

    static var batch: TelemetryBatch {
        TelemetryBatch(seq: 12, items: [.health(health), .rank(rank), .rank(waitingRank), .stats(stats), .link(link),
                                        .loss(SpoolLoss(batches: 2, records: 40)), .instances(instances), .run(run),
                                        .probe(probe), .checkpointShard(shard), .checkpointManifest(manifestWritten),
                                        .jobControl(stopped)])
    }
}
