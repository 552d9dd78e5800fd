import Foundation
import NIOCore
import NIOPosix
import VigilCore

/// Asks a running agent over its Unix socket.
public enum AgentClient {
    public static func report(socketPath: String) async throws -> AgentReport {
        try JSONDecoder().decode(AgentReport.self, from: try await ask("RANKS", socketPath: socketPath))
    }

    public static func flightRecorders(socketPath: String) async throws -> FlightRecorderDump {
        try JSONDecoder().decode(FlightRecorderDump.self, from: try await ask("RECORDS", socketPath: socketPath))
    }

    private static func ask(_ request: String, socketPath: String) async throws -> Data {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await connect(socketPath)
        } catch let error as IOError {
            throw AgentClientError.unreachable(socketPath, String(cString: strerror(error.errnoCode)))
        }
        let body = try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: request + "\n"))
            var body = ByteBuffer()
            for try await chunk in inbound { body.writeImmutableBuffer(chunk) }
            return body
        }
        if body.readableBytesView.starts(with: "ERROR ".utf8) {
            throw AgentClientError.refused(String(buffer: body).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return Data(body.readableBytesView)
    }

    private static func connect(_ socketPath: String) async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .connect(unixDomainSocketPath: socketPath) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
    }
}

public enum AgentClientError: Error, CustomStringConvertible {
    case unreachable(String, String)
    case refused(String)
    public var description: String {
        switch self {
        case .unreachable(let path, let why): "no agent at \(path): \(why) (is `vigil agent` running there?)"
        case .refused(let message): "agent answered: \(message)"
        }
    }
}
