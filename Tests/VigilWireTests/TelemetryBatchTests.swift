import NIOCore
import Testing
import VigilCore
import VigilWire

struct TelemetryBatchTests {
    @Test func everyItemRoundTrips() throws {
        let batch = Fixtures.batch
        #expect(try TelemetryBatch(frame: batch.frame) == batch)
    }

    /// Every cut of a valid batch is refused with an error, never a trap.
    @Test func everyTruncationIsRefused() {
        let payload = Fixtures.batch.frame.payload
        for length in 0..<payload.readableBytes {
            let cut = Frame(kind: .batch, payload: payload.getSlice(at: payload.readerIndex, length: length)!)
            #expect(throws: WireError.self, "cut at \(length)") { try TelemetryBatch(frame: cut) }
        }
    }

    @Test func aProbeRequestRoundTrips() throws {
        #expect(try ProbeRequest(frame: Fixtures.probeRequest.frame) == Fixtures.probeRequest)
    }

    /// Stop and start requests round-trip; a run spec that would not pass `vigil launch`'s checks is refused.
    @Test func jobControlRoundTripsAndABadRunSpecIsRefused() throws {
        let stop = JobControl.stop(job: "job-7", attempt: 2, graceMs: 10_000)
        #expect(try JobControl(frame: stop.frame) == stop)
        let spec = RunSpec(job: "job-7", attempt: 3, hosts: [.init(host: "n1", slots: 2), .init(host: "spare-1", slots: 2)],
                           command: ["vigil-train", "--resume"], environment: ["NCCL_DEBUG": "WARN"], libvigil: "/opt/libvigil.so")
        #expect(try JobControl(frame: JobControl.start(spec).frame) == .start(spec))
        var bad = spec
        bad.hosts = [.init(host: "n1;reboot", slots: 2)]
        #expect(throws: WireError.self) { try JobControl(frame: JobControl.start(bad).frame) }
    }

    @Test func aCheckpointCommitRoundTripsAndADamagedManifestIsRefused() throws {
        let manifest = CheckpointManifest(job: "job-7", step: 1_200, level: .local,
                                          shards: (0..<2).map { .init(rank: $0, bytes: 1_000, checksum: UInt64($0)) })
        let commit = CheckpointLedger.Commit(node: "node-a", root: "/local/ckpt", manifest: manifest)
        #expect(try CheckpointLedger.Commit(frame: commit.frame, node: "node-a") == commit)
        let removal = CheckpointRemoval(key: .init(job: "job-7", step: 1_200, level: .shared), root: "/shared/ckpt")
        #expect(try CheckpointRemoval(frame: removal.frame) == removal)
        let replication = CheckpointReplication(job: "job-7", step: 1_200, worldSize: 4, root: "/local/ckpt",
                                                shards: [.init(rank: 2, bytes: 1_000, checksum: 9), .init(rank: 3, bytes: 1_000, checksum: 8)],
                                                buddy: "node-b", host: "10.78.0.12", port: 7_080)
        #expect(try CheckpointReplication(frame: replication.frame) == replication)
        var beyond = replication
        beyond.shards[1].rank = 4
        #expect(throws: WireError.self, "a rank beyond the world") { try CheckpointReplication(frame: beyond.frame) }
        var payload = ByteBuffer()
        payload.writeWireString("/local/ckpt")
        payload.writeWireString(manifest.text.replacingOccurrences(of: "shard 1 1000", with: "shard 1 1001"))
        #expect(throws: WireError.self) { try CheckpointLedger.Commit(frame: Frame(kind: .checkpointCommit, payload: payload),
                                                                        node: "node-a") }
    }

    @Test func aStatWindowIsCompact() {
        let one = TelemetryBatch(seq: 1, items: [.stats(Fixtures.stats)])
        #expect(one.frame.payload.readableBytes < 80, "got \(one.frame.payload.readableBytes) bytes")
    }

    @Test func instanceEventsAreAFewBytesEach() throws {
        var events: [InstanceEvent] = []
        for seq in 1...1_000 {
            events.append(InstanceEvent(communicator: 1, seq: UInt64(seq), op: .allreduce, communicatorSize: 8, rank: 3,
                                        enterNs: 1_700_000_000_000_000_000 + UInt64(seq) * 1_000_000, durationNs: 15_000,
                                        gapNs: seq == 1 ? 0 : 985_000, bytes: 8_192))
        }
        let frame = TelemetryBatch(seq: 1, items: [.instances(InstanceEvents(job: "job-7", events: events))]).frame
        #expect(try TelemetryBatch(frame: frame).items == [.instances(InstanceEvents(job: "job-7", events: events))])
        #expect(frame.payload.readableBytes <= 1_000 * 12 + 100, "got \(frame.payload.readableBytes) bytes for 1,000 events")
    }

    @Test func histogramQuantilesComeFromTheBuckets() {
        let w = Fixtures.stats
        #expect(w.histogram.quantile(0.5) == 16_383)     // 12,000 ns is in [8192, 16384)
        #expect(w.histogram.quantile(0.99) == 262_143)   // 250,000 ns
        #expect(w.busBandwidth! > 0)
    }

    /// Well-framed batches whose fields make no sense are refused, each
    /// with a reason that names the field.
    enum Corruption: CaseIterable {
        case rankBeyondWorld, badJobName, moreFailuresThanCalls, histogramDisagrees, cpuOver100Percent,
             moreMemoryAvailableThanExists, batchZero

        var reason: String {
            switch self {
            case .rankBeyondWorld: "rank (not below world size)"
            case .badJobName: "job (must be 1-63 characters of [A-Za-z0-9._-])"
            case .moreFailuresThanCalls: "stat window figures"
            case .histogramDisagrees: "histogram total"
            case .cpuOver100Percent: "cpu busy ‰"
            case .moreMemoryAvailableThanExists: "available memory"
            case .batchZero: "batch number (starts at 1)"
            }
        }

        func apply(to batch: inout TelemetryBatch) {
            var rank = Fixtures.rank, stats = Fixtures.stats, health = Fixtures.health
            switch self {
            case .rankBeyondWorld: rank.identity.rank = 8
            case .badJobName: stats.job = "a b"
            case .moreFailuresThanCalls: stats.failures = stats.count + 1
            case .histogramDisagrees: stats.count += 1
            case .cpuOver100Percent: health.cpuBusyPermille = 1_001
            case .moreMemoryAvailableThanExists: health.memoryAvailableBytes = health.memoryTotalBytes + 1
            case .batchZero: batch.seq = 0
            }
            batch.items = [.health(health), .rank(rank), .stats(stats)]
        }
    }

    @Test(arguments: Corruption.allCases)
    func outOfRangeFieldsAreRefused(_ corruption: Corruption) {
        var batch = Fixtures.batch
        corruption.apply(to: &batch)
        #expect(throws: WireError.valueOutOfRange(corruption.reason)) { try TelemetryBatch(frame: batch.frame) }
    }

    @Test func anUnknownOpOrTagIsRefused() throws {
        var payload = ByteBuffer()
        payload.writeVarint(1)
        payload.writeVarint(1)
        payload.writeInteger(UInt8(99))
        payload.writeInteger(UInt8(0))
        #expect(throws: WireError.valueOutOfRange("item tag 99")) {
            try TelemetryBatch(frame: Frame(kind: .batch, payload: payload))
        }
    }

    @Test func anItemCountBeyondThePayloadIsRefusedBeforeAllocating() {
        var payload = ByteBuffer()
        payload.writeVarint(1)
        payload.writeVarint(1 << 40)
        #expect(throws: WireError.valueOutOfRange("item count")) {
            try TelemetryBatch(frame: Frame(kind: .batch, payload: payload))
        }
    }
}

struct JobRunWireTests {
    @Test func aRunningAttemptHasNoEndOrStatus() throws {
        var running = Fixtures.run
        (running.state, running.endedNs, running.exitStatus) = (.running, nil, nil)
        let batch = TelemetryBatch(seq: 1, items: [.run(running)])
        #expect(try TelemetryBatch(frame: batch.frame) == batch)
    }

    @Test func refusesHostsThatAreNotHostNames() {
        var run = Fixtures.run
        run.hosts = [HostSlots(host: "node;reboot", slots: 1)]
        #expect(throws: WireError.self) { try TelemetryBatch(frame: TelemetryBatch(seq: 1, items: [.run(run)]).frame) }
    }
}
