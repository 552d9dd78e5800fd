import Logging
import NIOCore
import NIOSSL
import VigilCore
import VigilWire
#if canImport(Glibc)
import Glibc
#endif

/// One agent's connection: hello, then batches stored and acknowledged in
/// order. Anything wrong ends this connection only, with a refusal that says
/// why, logged on both sides.
struct AgentSession {
    let configuration: ServerConfiguration
    let store: any TelemetryStore
    let detector: DetectorService
    let checkpoints: CheckpointCoordinator
    let recovery: RecoveryCoordinator?
    let agents: AgentBackend?
    let capture: CaptureWriter?
    let directory: AgentDirectory
    let stats: ServerStats
    let logger: Logger

    func run(_ connection: NIOAsyncChannel<Frame, Frame>, heartbeats: HeartbeatHandler) async {
        let peer = connection.channel.remoteAddress?.description ?? "unknown peer"
        do {
            try await connection.executeThenClose { inbound, outbound in
                var frames = inbound.makeAsyncIterator()
                do {
                    guard let first = try await frames.next() else { return }
                    let hello = try await accept(first, outbound: outbound)
                    let node = hello.node
                    heartbeats.accepted(node: node)
                    let probeHost = hello.probeHost.isEmpty ? connection.channel.remoteAddress?.ipAddress ?? "" : hello.probeHost
                    let (session, wakes) = directory.join(node, from: probeHost, buddyPort: hello.buddyPort)
                    detector.joined(node: node, from: connection.channel.remoteAddress?.ipAddress ?? "")
                    defer { directory.leave(node, session: session) }
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        // Frames queued for the agent go at once (the writer takes whole frames from either task).
                        group.addTask {
                            for await _ in wakes {
                                for frame in directory.pending(for: node) { try await outbound.write(frame) }
                            }
                        }
                        defer { group.cancelAll() }
                        try await ingest(from: &frames, node: node, outbound: outbound)
                    }
                } catch let refusal as Refusal {
                    logger.warning("refused agent", metadata: ["peer": "\(peer)", "reason": "\(refusal.reason)"])
                    try? await outbound.write(refusal.frame)
                } catch let error as WireError {
                    logger.warning("refused agent", metadata: ["peer": "\(peer)", "reason": "\(error)"])
                    try? await outbound.write(Refusal(error.isSizeLimit ? .tooLarge : .malformed, error.description).frame)
                }
            }
        } catch let error as NIOSSLError {
            logger.warning("TLS with agent failed (does it use --tls-ca?)", metadata: ["peer": "\(peer)", "reason": "\(error)"])
        } catch {
            logger.info("agent connection ended", metadata: ["peer": "\(peer)", "reason": "\(error)"])
        }
    }

    /// Check the hello; answer welcome with where to resume.
    private func accept(_ frame: Frame, outbound: NIOAsyncChannelOutboundWriter<Frame>) async throws -> AgentHello {
        guard frame.kind == .hello else { throw Refusal(.malformed, "expected hello, got \(frame.kind)") }
        let hello = try AgentHello(frame: frame)
        guard hello.version == WireProtocol.version else {
            throw Refusal(.unsupportedVersion, "server speaks protocol \(WireProtocol.version), agent \(hello.version)")
        }
        guard constantTimeEqual(hello.token, configuration.token) else { throw Refusal(.badToken, "wrong token") }
        let resumeAfter = try await store.resume(node: hello.node, instance: hello.instance, atNs: wallClockNanoseconds())
        try await outbound.write(ServerWelcome(resumeAfter: resumeAfter, maxFrameLength: configuration.maxFrameLength).frame)
        logger.info("agent connected", metadata: ["node": "\(hello.node)", "resumeAfter": "\(resumeAfter)"])
        return hello
    }

    /// Store each batch, then acknowledge it: an ack means committed.
    private func ingest(from frames: inout NIOAsyncChannelInboundStream<Frame>.AsyncIterator, node: String,
                        outbound: NIOAsyncChannelOutboundWriter<Frame>) async throws {
        while let frame = try await frames.next() {
            guard frame.kind == .batch else { throw Refusal(.malformed, "expected batch, got \(frame.kind)") }
            let batch = try TelemetryBatch(frame: frame)
            let now = wallClockNanoseconds()
            if try await store.store(batch, from: node, receivedAtNs: now) {
                detector.ingest(batch, from: node, atNs: now)
                if CheckpointCoordinator.concerns(batch) { await checkpoints.ingest(batch, from: node) }
                if let recovery, RecoveryCoordinator.concerns(batch) { await recovery.ingest(batch, from: node) }
                if let agents, AgentBackend.concerns(batch) { agents.ingest(batch, from: node) }
                stats.record(batch, atNs: now)
                if let error = capture?.append(frame, from: node, receivedNs: now) {
                    logger.error("capture stopped", metadata: ["path": "\(capture?.path ?? "")", "reason": "\(error)"])
                }
            }
            try await outbound.write(BatchAck(through: batch.seq).frame)
            for request in directory.pending(for: node) { try await outbound.write(request) }
        }
    }
}

extension WireError {
    var isSizeLimit: Bool {
        if case .frameTooLarge = self { return true }
        return false
    }
}
