import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle
import VigilLifecycle
import VigilCore
import VigilWire

/// Accepts agent connections over TCP and serves each as an `AgentSession`.
/// A slow store slows reading from that agent's socket (NIO backpressure),
/// which slows the agent's sender, never its ranks.
public struct IngestService: Service {
    private let configuration: ServerConfiguration
    private let store: any TelemetryStore
    private let detector: DetectorService
    private let capture: CaptureWriter?
    private let directory: AgentDirectory
    private let recovery: RecoveryCoordinator?
    /// Where agents' answers to job controls go (the ssh backend).
    private let agents: AgentBackend?
    private let stats: ServerStats
    private let logger: Logger

    public init(configuration: ServerConfiguration, store: any TelemetryStore, detector: DetectorService,
                capture: CaptureWriter? = nil, directory: AgentDirectory, recovery: RecoveryCoordinator? = nil,
                agents: AgentBackend? = nil, stats: ServerStats, logger: Logger) {
        self.recovery = recovery
        self.agents = agents
        self.directory = directory
        self.stats = stats
        self.configuration = configuration
        self.store = store
        self.detector = detector
        self.capture = capture
        self.logger = logger
    }

    public func run() async throws {
        let maxFrame = configuration.maxFrameLength
        let tls = configuration.tls
        let detector = detector
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 1_024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder(maxLength: maxFrame)))
                    let heartbeats = HeartbeatHandler(detector: detector)
                    try channel.pipeline.syncOperations.addHandler(heartbeats)
                    try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(FrameEncoder()))
                    return (try NIOAsyncChannel<Frame, Frame>(wrappingChannelSynchronously: channel), heartbeats)
                }
            }
        let port = server.channel.localAddress?.port ?? configuration.port
        if let portFile = configuration.portFile {
            try "\(port)\n".write(toFile: portFile, atomically: true, encoding: .utf8)
        }
        logger.info("server listening", metadata: ["host": "\(configuration.host)", "port": "\(port)",
                                                   "tls": "\(tls != nil)"])
        let checkpoints = CheckpointCoordinator(store: store, directory: directory, keep: configuration.checkpointKeep,
                                                logger: logger)
        let session = AgentSession(configuration: configuration, store: store, detector: detector, checkpoints: checkpoints,
                                   recovery: recovery, agents: agents, capture: capture, directory: directory, stats: stats, logger: logger)
        // Shutdown ends every agent's connection too, not only the listener:
        // an ack not sent is a batch the agent replays, and replays are skipped.
        try await untilGracefulShutdown {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { connections in
                    for try await (connection, heartbeats) in connections {
                        group.addTask { await session.run(connection, heartbeats: heartbeats) }
                    }
                }
            }
        }
    }
}
