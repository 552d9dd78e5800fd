import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The server's HTTP API, as the CLI and the console use it: one request per
/// connection, every request bounded by `timeout` (connect included), so a
/// server that hangs costs a caller an error, never a wait without end.
public struct APIClient: Sendable {
    public let address: String
    public let timeout: Duration

    public init(address: String, timeout: Duration = .seconds(10)) {
        self.address = address
        self.timeout = timeout
    }

    /// Where the CLI and console look: `explicit`, else $VIGIL_API, else 127.0.0.1:7078.
    public static func defaultAddress(explicit: String? = nil) -> String {
        explicit ?? ProcessInfo.processInfo.environment["VIGIL_API"].flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1:7078"
    }

    public func get(_ path: String) async throws -> Data {
        try await send(.GET, path, token: nil)
    }

    /// A change: the shared token, and a body (JSON) when the change needs one.
    public func post(_ path: String, token: [UInt8], body: [UInt8] = []) async throws -> Data {
        try await send(.POST, path, token: token, body: body)
    }

    private func send(_ method: HTTPMethod, _ path: String, token: [UInt8]?, body: [UInt8] = []) async throws -> Data {
        let (host, port) = try HostPort.parse(address)
        let deadline = ContinuousClock.now + timeout  // one bound for connect and exchange together
        let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.nanoseconds(Int64(timeout.nanoseconds)))
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch ChannelError.connectTimeout {
            throw APIClientError.timedOut(address, timeout)
        } catch {
            throw APIClientError.unreachable(address, Self.reason(error))
        }
        let exchange = Self.exchange(channel, method: method, path: path, host: host, token: token, body: body)
        return try await withThrowingTaskGroup(of: Data?.self) { group in
            group.addTask { try await exchange() }
            group.addTask {
                try await Task.sleep(until: deadline)
                return nil
            }
            defer { group.cancelAll() }
            guard let answer = try await group.next(), let data = answer else {
                channel.channel.close(promise: nil)  // ends the exchange's read too
                throw APIClientError.timedOut(address, timeout)
            }
            return data
        }
    }

    private static func exchange(_ channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>,
                                 method: HTTPMethod, path: String, host: String,
                                 token: [UInt8]?, body request: [UInt8]) -> @Sendable () async throws -> Data {
        {
            try await channel.executeThenClose { inbound, outbound in
                var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
                head.headers.add(name: "Host", value: host)
                if let token { head.headers.add(name: "Authorization", value: "Bearer " + String(decoding: token, as: UTF8.self)) }
                if method == .POST {
                    head.headers.add(name: "Content-Length", value: "\(request.count)")
                    if !request.isEmpty { head.headers.add(name: "Content-Type", value: "application/json") }
                }
                head.headers.add(name: "Connection", value: "close")
                // One write: a server that answers on the head alone (a GET has no
                // body) may close before a separate write of the end would run.
                let parts: [HTTPClientRequestPart] = request.isEmpty ? [.head(head), .end(nil)]
                    : [.head(head), .body(.byteBuffer(ByteBuffer(bytes: request))), .end(nil)]
                try await outbound.write(contentsOf: parts)
                var status: HTTPResponseStatus?
                var body = ByteBuffer()
                var ended = false
                for try await part in inbound {
                    switch part {
                    case .head(let response): status = response.status
                    case .body(let chunk): body.writeImmutableBuffer(chunk)
                    case .end: ended = true
                    }
                }
                // A connection closed before the whole answer is no answer.
                guard let status, ended else { throw APIClientError.unreachable(host, "the connection closed before the answer ended") }
                let data = Data(body.readableBytesView)
                guard status == .ok else {
                    let message = (try? JSONDecoder().decode([String: String].self, from: data))?["error"] ?? "\(status)"
                    throw APIClientError.refused(status.code, message)
                }
                return data
            }
        }
    }
}

extension APIClient {
    /// "Connection refused", not NIO's nested description of every address tried.
    static func reason(_ error: any Error) -> String {
        if let failed = error as? NIOConnectionError, let first = failed.connectionErrors.first {
            return reason(first.error)
        }
        if let io = error as? IOError { return String(cString: strerror(io.errnoCode)) }
        return "\(error)"
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
