import Foundation
import NIOCore
import NIOPosix
import VigilCore

/// Asks a running agent for its report over its Unix socket.
public enum AgentClient {
    public static func report(socketPath: String) async throws -> AgentReport {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .connect(unixDomainSocketPath: socketPath) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let body = try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: "RANKS\n"))
            var body = ByteBuffer()
            for try await chunk in inbound { body.writeImmutableBuffer(chunk) }
            return body
        }
        if body.readableBytesView.starts(with: "ERROR ".utf8) {
            throw AgentClientError.refused(String(buffer: body).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return try JSONDecoder().decode(AgentReport.self, from: Data(body.readableBytesView))
    }
}

public enum AgentClientError: Error, CustomStringConvertible {
    case refused(String)
    public var description: String {
        switch self {
        case .refused(let message): "agent answered: \(message)"
        }
    }
}
