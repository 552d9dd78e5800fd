import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import VigilLifecycle
import VigilCore

/// The agent's Unix socket: ranks register (HELLO) and keep the connection
/// open until they exit; clients ask for the local ranks' state (RANKS) or
/// their flight recorders (RECORDS).
/// A malformed request gets `ERROR <reason>`, is logged and closed, and
/// nobody else is affected.
public struct RegistrationService: Service {
    private let configuration: AgentConfiguration
    private let table: RankTable
    private let runner: JobRunner
    private let checkpoints: CheckpointKeeper
    private let logger: Logger

    public init(configuration: AgentConfiguration, table: RankTable, runner: JobRunner, checkpoints: CheckpointKeeper,
                logger: Logger) {
        self.configuration = configuration
        self.table = table
        self.runner = runner
        self.checkpoints = checkpoints
        self.logger = logger
    }

    public func run() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .bind(unixDomainSocketPath: configuration.socketPath, cleanupExistingSocketFile: true) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(BoundedLineDecoder(maxLength: AgentRequest.maxLineBytes)))
                    return try NIOAsyncChannel<String, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        logger.info("agent listening", metadata: ["socket": "\(configuration.socketPath)",
                                                  "rings": "\(configuration.ringDirectory)"])
        // Shutdown closes the ranks' connections too (they keep running, and
        // the next agent re-attaches to their rings).
        try await untilGracefulShutdown {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { await self.serve(connection) }
                    }
                }
            }
        }
    }

    private func serve(_ connection: NIOAsyncChannel<String, ByteBuffer>) async {
        try? await connection.executeThenClose { inbound, outbound in
            var lines = inbound.makeAsyncIterator()
            do {
                guard let line = try await lines.next() else { return }
                switch try AgentRequest(line: line) {
                case .ranks:
                    try await outbound.write(ByteBuffer(bytes: try JSONEncoder().encode(table.report())))
                case .records:
                    try await outbound.write(ByteBuffer(bytes: try JSONEncoder().encode(table.flightRecorders())))
                case .hello(var identity):
                    // The kernel's word for who is asking, not the request's: nobody can
                    // register (and so have a job stop signal) a process that is not theirs,
                    // and a rank in its own pid namespace is known by its pid in ours.
                    identity.pid = try await peer(connection.channel).pid
                    try await welcome(identity, lines: &lines, outbound: outbound)
                }
            } catch let error as AgentRequestError {
                await refuse(error.description, outbound: outbound)
            } catch let error as RegistrationError {
                await refuse(error.description, outbound: outbound)
            }
            // A reply larger than the socket buffer (RECORDS) is still being
            // written: closing now would drop its tail. Half-closing waits for it.
            try? await connection.channel.close(mode: .output)
        }
    }

    private func peer(_ channel: any Channel) async throws -> PeerCredentials {
        guard let provider = channel as? any SocketOptionProvider else { throw RegistrationError.notPermitted }
        return try await provider.unsafeGetSocketOption(level: SocketOptionLevel(SOL_SOCKET),
                                                        name: SocketOptionName(SO_PEERCRED)).get()
    }

    private func welcome(_ identity: RankIdentity, lines: inout NIOAsyncChannelInboundStream<String>.AsyncIterator,
                         outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws {
        let path = try table.register(identity)
        try await outbound.write(ByteBuffer(string: "RING 1 path=\(path) capacity=\(configuration.effectiveRingCapacity)"
            + " local=\(checkpoints.localRoot ?? "-") buddy=\(checkpoints.buddyRoot ?? "-") shared=\(checkpoints.sharedRoot ?? "-")\n"))
        logger.info("rank registered", metadata: ["job": "\(identity.job)", "rank": "\(identity.rank)",
                                                  "pid": "\(identity.pid)", "ring": "\(path)"])
        // The rank says no more than how its checkpoints go; EOF means it finalized or died.
        while let line = try? await lines.next() {
            do {
                let event = try CheckpointLine.parse(line, identity: identity, atNs: wallClockNanoseconds())
                checkpoints.report(event)
                if event.state == .restored { table.restored(pid: identity.pid) }  // recovery waits on it, then on a step
            } catch {
                logger.warning("ignoring a line from a rank", metadata: ["rank": "\(identity.rank)", "reason": "\(error)"])
            }
        }
        // An agent shutting down hangs up; that says nothing about the rank.
        if !Task.isCancelled { table.connectionClosed(pid: identity.pid) }
    }

    private func refuse(_ reason: String, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) async {
        logger.warning("refused request", metadata: ["reason": "\(reason)"])
        try? await outbound.write(ByteBuffer(string: "ERROR \(reason)\n"))
    }
}

/// Linux's `struct ucred` (pid, uid, gid: three 32-bit fields), which the
/// Glibc module hides behind _GNU_SOURCE; SO_PEERCRED fills it.
struct PeerCredentials: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}
