import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import VigilLifecycle

/// Answers peers' link probes: `u32 length (BE) | length bytes`, answered
/// with one byte once all have arrived (length 0 is a ping). The prober
/// times that: latency from pings, bandwidth from a bulk transfer.
struct ProbeResponder: Service {
    static let maxLength: UInt32 = 64 << 20

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
        try await untilGracefulShutdown {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { try? await Self.serve(connection) }
                    }
                }
            }
        }
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
