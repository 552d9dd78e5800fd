import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import VigilLifecycle
import VigilCore
import VigilRecovery

/// The read API over HTTP/1.1 (JSON), for the console and the CLI. One
/// request per connection; every error is JSON with a reason.
public struct APIService: Service {
    private let host: String
    private let port: Int
    private let portFile: String?
    private let responder: APIResponder
    /// What a change must carry as its bearer token.
    private let token: [UInt8]
    private let logger: Logger

    public init(host: String, port: Int, portFile: String? = nil, store: any TelemetryStore, detector: DetectorService,
                stats: ServerStats, directory: AgentDirectory, recoveries: (any RecoveryStore)? = nil,
                recovery: RecoveryCoordinator? = nil, token: [UInt8], logger: Logger) {
        self.token = token
        self.host = host
        self.port = port
        self.portFile = portFile
        let reads = ConsoleReads(store: store, detector: detector, stats: stats, directory: directory)
        self.responder = APIResponder(store: store, detector: detector, reads: reads, recoveries: recoveries, recovery: recovery)
        self.logger = logger
    }

    public func run() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: channel)
                }
            }
        let bound = server.channel.localAddress?.port ?? port
        if let portFile { try "\(bound)\n".write(toFile: portFile, atomically: true, encoding: .utf8) }
        logger.info("API listening", metadata: ["host": "\(host)", "port": "\(bound)"])
        // Shutdown closes open (keep-alive) connections as well as the listener.
        try await untilGracefulShutdown {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { await serve(connection) }
                    }
                }
            }
        }
    }

    private func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            for try await part in inbound {
                if case .head(let h) = part { head = h }
                guard case .end = part, let request = head else { continue }
                let (status, body) = await answer(request)
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: "application/json")
                headers.add(name: "Content-Length", value: "\(body.count)")
                headers.add(name: "Connection", value: "close")
                try await outbound.write(.head(HTTPResponseHead(version: request.version, status: status, headers: headers)))
                try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body))))
                try await outbound.write(.end(nil))
                return
            }
        }
    }

    private func answer(_ head: HTTPRequestHead) async -> (HTTPResponseStatus, Data) {
        do {
            let request = try APIRequest(method: head.method.rawValue, uri: head.uri)
            if request.needsToken {
                let presented = head.headers["Authorization"].first.flatMap { $0.hasPrefix("Bearer ") ? $0.dropFirst(7) : nil }
                guard let presented, constantTimeEqual(Array(presented.utf8), token) else { throw APIError.unauthorized }
                logger.notice("API change", metadata: ["request": "\(request)"])
            }
            return (.ok, try await responder.respond(to: request))
        } catch let error as APIError {
            return (HTTPResponseStatus(statusCode: error.status), Self.error(error.description))
        } catch {
            logger.error("API request failed", metadata: ["uri": "\(head.uri)", "reason": "\(error)"])
            return (.internalServerError, Self.error("internal error: \(error)"))
        }
    }

    private static func error(_ message: String) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return (try? encoder.encode(["error": message])) ?? Data()
    }
}
