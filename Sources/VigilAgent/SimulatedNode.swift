import Logging
import NIOCore
import NIOPosix
import Synchronization
import VigilCore
import VigilWire

/// A synthetic agent speaking the real protocol: every second, one batch
/// with node health, its ranks' snapshots, a stat window per rank, and
/// `rate` instance events per rank on the job's world communicator. For
/// scale tests of the server, and later for detector tests at cluster size.
public struct SimulatedNode: Sendable {
    public struct Plan: Sendable {
        public var job: String
        public var nodes: Int
        public var ranksPerNode: Int
        public var rate: Int
        public var seconds: Int

        public init(job: String, nodes: Int, ranksPerNode: Int, rate: Int, seconds: Int) {
            self.job = job
            self.nodes = nodes
            self.ranksPerNode = ranksPerNode
            self.rate = rate
            self.seconds = seconds
        }
    }

    /// What all simulated nodes did, summed.
    public final class Tally: Sendable {
        private let counts = Mutex((sent: UInt64(0), acked: UInt64(0), events: UInt64(0), refused: UInt64(0)))
        public init() {}
        func sent(events: Int) { counts.withLock { $0.sent += 1; $0.events += UInt64(events) } }
        func acked(_ n: UInt64) { counts.withLock { $0.acked += n } }
        func refused() { counts.withLock { $0.refused += 1 } }
        public var snapshot: (sent: UInt64, acked: UInt64, events: UInt64, refused: UInt64) { counts.withLock { $0 } }
    }

    public let index: Int
    public let plan: Plan
    public let host: String
    public let port: Int
    public let token: [UInt8]

    public init(index: Int, plan: Plan, host: String, port: Int, token: [UInt8]) {
        self.index = index
        self.plan = plan
        self.host = host
        self.port = port
        self.token = token
    }

    public var name: String { "sim-\(index)" }

    public func run(tally: Tally) async throws {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(FrameEncoder()))
                    return try NIOAsyncChannel<Frame, Frame>(wrappingChannelSynchronously: channel)
                }
            }
        try await channel.executeThenClose { inbound, outbound in
            var frames = inbound.makeAsyncIterator()
            try await outbound.write(AgentHello(node: name, instance: UInt64(index + 1), token: token).frame)
            guard let first = try await frames.next(), first.kind == .welcome else {
                tally.refused()
                return
            }
            let welcome = try ServerWelcome(frame: first)
            let start = ContinuousClock.now
            var last = welcome.resumeAfter
            for second in 0..<plan.seconds {
                let batch = self.batch(seq: welcome.resumeAfter + UInt64(second) + 1, second: second)
                try await outbound.write(batch.frame)
                tally.sent(events: plan.ranksPerNode * plan.rate)
                try await Task.sleep(until: start + .seconds(second + 1), clock: .continuous)
                while last < batch.seq - 1, let frame = try await frames.next() {  // acks, without falling behind
                    let ack = try BatchAck(frame: frame)
                    tally.acked(ack.through - last)
                    last = ack.through
                }
            }
            let final = welcome.resumeAfter + UInt64(plan.seconds)
            while last < final, let frame = try await frames.next() {
                let ack = try BatchAck(frame: frame)
                tally.acked(ack.through - last)
                last = ack.through
            }
        }
    }

    private func batch(seq: UInt64, second: Int) -> TelemetryBatch {
        let worldSize = plan.nodes * plan.ranksPerNode
        let now = 1_700_000_000_000_000_000 + UInt64(second) * 1_000_000_000
        var items: [TelemetryItem] = [.health(NodeHealth(
            wallNs: now, cpuBusyPermille: 900, memoryTotalBytes: 1 << 40, memoryAvailableBytes: 1 << 39,
            load1Centi: 800, diskFreeBytes: 1 << 41))]
        for local in 0..<plan.ranksPerNode {
            let rank = index * plan.ranksPerNode + local
            let lastSeq = UInt64((second + 1) * plan.rate)
            items.append(.rank(RankSnapshot(
                identity: RankIdentity(job: plan.job, rank: rank, worldSize: worldSize, pid: Int32(1_000 + local), host: name),
                status: .running, exitStatus: nil, counters: RingCounters(consumed: lastSeq), blocked: nil,
                progress: [.init(communicator: 1, size: UInt32(worldSize), lastSeqEntered: lastSeq, lastSeqLeft: lastSeq)])))
            var window = StatWindow(job: plan.job, rank: rank, key: .init(communicator: 1, op: .allreduce, sizeBucket: 24),
                                    startNs: now, endNs: now + 1_000_000_000)
            let events = (1...plan.rate).map { i -> InstanceEvent in
                let duration = UInt64(2_000_000 + (rank &* 7919 &+ i) % 100_000)
                window.add(CollectiveRecord(op: .allreduce, communicator: 1, seq: 0, enterNs: 0, exitNs: duration,
                                            bytes: 1 << 23, communicatorSize: UInt32(worldSize)))
                return InstanceEvent(communicator: 1, seq: UInt64(second * plan.rate + i), op: .allreduce,
                                     communicatorSize: UInt32(worldSize), rank: rank,
                                     enterNs: now + UInt64(i) * 1_000_000_000 / UInt64(plan.rate), durationNs: duration)
            }
            items.append(.stats(window))
            items.append(.instances(InstanceEvents(job: plan.job, events: events)))
        }
        return TelemetryBatch(seq: seq, items: items)
    }
}
