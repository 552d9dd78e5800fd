import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization
import VigilLifecycle

/// Answers peers' link probes: `u32 length (BE) | length bytes`, answered
/// with one byte once all have arrived (length 0 is a ping). The prober
/// times that: latency from pings, bandwidth from a bulk transfer.
/// Unauthenticated by design (it only counts bytes), so bounded: a few
/// connections at a time, each closed after a probe's longest slot.
struct ProbeResponder: Service {
    static let maxLength: UInt32 = 64 << 20
    static let maxConnections = 16
    static let connectionLifetime: Duration = .seconds(65)

    let port: Int
    let logger: Logger

    /// A port already taken costs the probes, not the agent: logged, and
    /// the responder waits for shutdown like the services that work.
    func run() async throws {
        do {
            try await serve()
        } catch {
            logger.error("cannot answer link probes", metadata: ["port": "\(port)", "reason": "\(error)"])
            try? await gracefulShutdown()
        }
    }

    private func serve() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "0.0.0.0", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        logger.info("answering link probes", metadata: ["port": "\(port)"])
        let open = ConnectionLimit(Self.maxConnections)
        try await untilGracefulShutdown {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        guard open.enter() else {
                            try? await connection.channel.close()
                            continue
                        }
                        group.addTask {
                            defer { open.leave() }
                            await Self.serve(connection, for: Self.connectionLifetime)
                        }
                    }
                }
            }
        }
    }

    private static func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>, for lifetime: Duration) async {
        let channel = connection.channel
        let deadline = channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(lifetime.components.seconds) * 1_000_000_000)) {
            channel.close(promise: nil)
        }
        try? await serve(connection)
        deadline.cancel()
    }

    private static func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async throws {
        try await connection.executeThenClose { inbound, outbound in
            var header = ByteBuffer()
            var remaining: UInt64 = 0
            for try await var chunk in inbound {
                while chunk.readableBytes > 0 {
                    if remaining > 0 {
                        let skip = Int(min(remaining, UInt64(chunk.readableBytes)))
                        chunk.moveReaderIndex(forwardBy: skip)
                        remaining -= UInt64(skip)
                        if remaining == 0 { try await outbound.write(ByteBuffer(bytes: [1])) }
                        continue
                    }
                    var piece = chunk.readSlice(length: min(4 - header.readableBytes, chunk.readableBytes))!
                    header.writeBuffer(&piece)
                    guard header.readableBytes == 4, let length = header.readInteger(as: UInt32.self) else { continue }
                    header.clear()
                    guard length <= maxLength else { return }   // not a prober: hang up
                    remaining = UInt64(length)
                    if length == 0 { try await outbound.write(ByteBuffer(bytes: [1])) }
                }
            }
        }
    }
}

/// How many connections may be open at once.
final class ConnectionLimit: Sendable {
    private let open = Mutex(0)
    private let limit: Int

    init(_ limit: Int) { self.limit = limit }

    func enter() -> Bool {
        open.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    func leave() { open.withLock { $0 -= 1 } }
}
