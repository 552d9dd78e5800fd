import Logging
import Metrics
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle
import Synchronization
import VigilCore
import VigilWire
#if canImport(Glibc)
import Glibc
#endif

/// Streams this node's telemetry to the server: a batch every interval
/// into the outbox, and a connection that sends the outbox in order and
/// forgets what the server acknowledged. Reconnects with jittered backoff;
/// never touches the ranks' path.
public struct UplinkService: Service {
    private let configuration: UplinkConfiguration
    private let table: RankTable
    private let runner: JobRunner
    private let checkpoints: CheckpointKeeper
    private let outbox: Outbox
    private let connected = Gauge(label: "vigil_agent_uplink_connected")
    private let sentBatches = Counter(label: "vigil_agent_batches_sent_total")

    /// Batches not yet acknowledged by the server.
    var pendingBatches: Int { outbox.pending }
    private let logger: Logger
    private static let maxInFlight = 32

    public init(configuration: UplinkConfiguration, table: RankTable, runner: JobRunner, checkpoints: CheckpointKeeper,
                logger: Logger) throws {
        self.configuration = configuration
        self.table = table
        self.runner = runner
        self.checkpoints = checkpoints
        self.outbox = try Outbox(capacity: configuration.outboxCapacity, spoolDirectory: configuration.spoolDirectory,
                                 logger: logger)
        self.logger = logger
    }

    /// Stops at once on graceful shutdown: what is not acknowledged stays
    /// in the spool for the next start.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await collect() }
                group.addTask { await stayConnected() }
            }
        }
    }

    /// A batch every interval; on shutdown the interrupted sleep still cuts
    /// a last one, so a clean stop leaves nothing outside the spool.
    private func collect() async {
        var probe = NodeHealthProbe()
        var windowStart = wallClockNanoseconds()
        while !Task.isCancelled {
            await untilNextBatch()
            let now = wallClockNanoseconds()
            outbox.append([.health(probe.sample(wallNs: now))] + table.collect(startNs: windowStart, endNs: now)
                          + runner.collect() + checkpoints.collect())
            windowStart = now
        }
    }

    /// The uplink interval, cut short by news of a rank (registered, or
    /// died): the server hears of a crash, and of a new attempt's ranks, at once.
    private func untilNextBatch() async {
        let deadline = ContinuousClock.now + configuration.interval
        while ContinuousClock.now < deadline, !table.takeNews() {
            guard (try? await Task.sleep(for: min(.milliseconds(20), deadline - ContinuousClock.now))) != nil else { return }
        }
    }

    private func stayConnected() async {
        var backoff = Backoff()
        while !Task.isCancelled {
            do {
                try await session { backoff.reset() }
            } catch is CancellationError {
                return
            } catch {
                logger.warning("server connection lost", metadata: [
                    "server": "\(configuration.host):\(configuration.port)", "reason": "\(error)",
                    "pendingBatches": "\(outbox.pending)"])
            }
            try? await Task.sleep(for: backoff.next())
        }
    }

    private func session(onWelcome: () -> Void) async throws {
        let maxFrame = Frame.defaultMaxLength
        let tls = configuration.tls
        // SNI takes names only; an address is checked against the certificate's IP entries.
        let serverName = (try? SocketAddress(ipAddress: configuration.host, port: 0)) == nil ? configuration.host : nil
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .connect(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName))
                    }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder(maxLength: maxFrame)))
                    try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(FrameEncoder()))
                    return try NIOAsyncChannel<Frame, Frame>(wrappingChannelSynchronously: channel)
                }
            }
        try await channel.executeThenClose { inbound, outbound in
            var frames = inbound.makeAsyncIterator()
            let hello = AgentHello(node: configuration.node, instance: outbox.identity, token: configuration.token,
                                   probeHost: configuration.dataNetwork.flatMap(LocalAddresses.address) ?? "",
                                   buddyPort: configuration.buddyPort ?? 0)
            try await outbound.write(hello.frame)
            let welcome = try await expectWelcome(try await frames.next())
            outbox.acknowledge(through: welcome.resumeAfter)
            onWelcome()
            connected.record(1)
            defer { connected.record(0) }
            logger.info("connected to server", metadata: ["resumeAfter": "\(welcome.resumeAfter)"])
            try await exchange(frames: &frames, outbound: outbound, sentThrough: welcome.resumeAfter)
        }
    }

    private func expectWelcome(_ frame: Frame?) async throws -> ServerWelcome {
        guard let frame else { throw WireError.truncated("handshake: server closed") }
        if frame.kind == .refused { throw try Refusal(frame: frame) }
        return try ServerWelcome(frame: frame)
    }

    /// Send in order with at most `maxInFlight` unacknowledged; read acks.
    private func exchange(frames: inout NIOAsyncChannelInboundStream<Frame>.AsyncIterator,
                          outbound: NIOAsyncChannelOutboundWriter<Frame>, sentThrough start: UInt64) async throws {
        let acked = AckTracker(start)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                var sent = start
                while true {
                    let room = Self.maxInFlight - Int(sent - min(sent, acked.value))
                    for batch in outbox.unsent(after: sent, limit: max(0, room)) {
                        try await outbound.write(batch.frame)
                        sentBatches.increment()
                        sent = batch.seq
                    }
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            defer { group.cancelAll() }
            while let frame = try await frames.next() {
                if frame.kind == .refused { throw try Refusal(frame: frame) }
                if frame.kind == .probeRequest {
                    probe(try ProbeRequest(frame: frame))
                    continue
                }
                if frame.kind == .checkpointCommit {
                    checkpoints.commit(try CheckpointLedger.Commit(frame: frame, node: configuration.node))
                    continue
                }
                if frame.kind == .checkpointRemove {
                    checkpoints.remove(try CheckpointRemoval(frame: frame))
                    continue
                }
                if frame.kind == .jobControl {
                    control(try JobControl(frame: frame))
                    continue
                }
                if frame.kind == .checkpointReplicate {
                    checkpoints.replicate(try CheckpointReplication(frame: frame))
                    continue
                }
                let ack = try BatchAck(frame: frame)
                outbox.acknowledge(through: ack.through)
                acked.advance(to: ack.through)
            }
            throw WireError.truncated("stream: server closed")
        }
    }
}

extension UplinkService {
    /// Probes run on their own thread; their results go up like any telemetry.
    func probe(_ request: ProbeRequest) {
        logger.info("probing links", metadata: ["job": "\(request.job)", "peers": "\(request.peers.map(\.node))"])
        let outbox = outbox
        LinkProber.run(request, from: configuration.node) { probes in outbox.append(probes.map(TelemetryItem.probe)) }
    }
}

extension UplinkService {
    /// Stops or starts a job as the server asked (recovery), off the
    /// connection's loop; the answer goes up like any telemetry.
    func control(_ control: JobControl) {
        logger.notice("the server asks to \(control)", metadata: ["job": "\(control.job)", "attempt": "\(control.attempt)"])
        let (outbox, runner) = (outbox, runner)
        Task {
            var reply: JobControlReply
            switch control {
            case .stop(let job, let attempt, let graceMs):
                let stopped = await runner.stop(job: job, grace: .milliseconds(graceMs))
                reply = JobControlReply(job: job, attempt: attempt, action: .stop, ok: stopped.gone, ranks: stopped.ranks,
                                        mpirun: stopped.mpirun, atNs: 0)
                if !stopped.gone { reply.detail = "processes of the job still alive 30 s after SIGKILL" }
            case .start(let spec):
                reply = JobControlReply(job: spec.job, attempt: spec.attempt, action: .start, ok: true, atNs: 0)
                do {
                    _ = try runner.start(spec)
                } catch {
                    (reply.ok, reply.detail) = (false, "\(error)")
                }
            }
            reply.atNs = wallClockNanoseconds()
            outbox.append([.jobControl(reply)])
        }
    }
}

/// The highest batch the server acknowledged on this connection.
final class AckTracker: Sendable {
    private let through: Mutex<UInt64>
    init(_ start: UInt64) { through = Mutex(start) }
    var value: UInt64 { through.withLock { $0 } }
    func advance(to ack: UInt64) { through.withLock { $0 = max($0, ack) } }
}

/// 0.5 s doubling to 30 s, each wait jittered by ±25% so a restarted
/// server is not hit by every agent at once.
struct Backoff {
    private var current: Double = 0.5
    mutating func next() -> Duration {
        defer { current = min(current * 2, 30) }
        return .milliseconds(Int(current * Double.random(in: 0.75...1.25) * 1_000))
    }
    mutating func reset() { current = 0.5 }
}
