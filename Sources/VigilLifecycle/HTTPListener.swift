import NIOCore
import NIOHTTP1
import NIOPosix

/// A small HTTP/1.1 listener, one request per connection, until graceful
/// shutdown: what the server's API and the agent's /metrics answer on.
public struct HTTPListener: Sendable {
    /// An answer: status, content type and body.
    public struct Reply: Sendable {
        public var status: HTTPResponseStatus
        public var contentType: String
        public var body: [UInt8]

        public init(_ status: HTTPResponseStatus, contentType: String, body: [UInt8]) {
            self.status = status
            self.contentType = contentType
            self.body = body
        }
    }

    /// A request: its head and its body (a POST's JSON), whole.
    public struct Request: Sendable {
        public var head: HTTPRequestHead
        public var body: [UInt8]
    }

    public let host: String
    public let port: Int
    /// A longer body is refused (413) unread: a request is small JSON.
    public static let maxBodyBytes = 1 << 20

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Bind, report the port bound (for port 0), then serve `answer` until graceful shutdown.
    public func run(bound: @Sendable (Int) throws -> Void,
                    answer: @escaping @Sendable (Request) async -> Reply) async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: channel)
                }
            }
        try bound(server.channel.localAddress?.port ?? port)
        // Shutdown closes open (keep-alive) connections as well as the listener.
        try await untilGracefulShutdown {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { await Self.serve(connection, answer) }
                    }
                }
            }
        }
    }

    private static func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>,
                              _ answer: @Sendable (Request) async -> Reply) async {
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body: [UInt8] = []
            for try await part in inbound {
                switch part {
                case .head(let h): head = h
                case .body(let chunk): body += chunk.readableBytesView.prefix(Self.maxBodyBytes + 1 - body.count)
                case .end: break
                }
                guard case .end = part, let request = head else { continue }
                let reply = body.count > Self.maxBodyBytes
                    ? Reply(.payloadTooLarge, contentType: "application/json",
                            body: Array(#"{"error":"a request body is at most 1 MiB"}"#.utf8))
                    : await answer(Request(head: request, body: body))
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: reply.contentType)
                headers.add(name: "Content-Length", value: "\(reply.body.count)")
                headers.add(name: "Connection", value: "close")
                try await outbound.write(.head(HTTPResponseHead(version: request.version, status: reply.status, headers: headers)))
                try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: reply.body))))
                try await outbound.write(.end(nil))
                return
            }
        }
    }
}
