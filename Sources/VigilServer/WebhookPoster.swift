import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// One JSON POST to a webhook (http or https), bounded by a timeout for
/// connect and exchange together; any 2xx is delivered.
enum WebhookPoster {
    static func post(_ body: Data, to url: String, timeout: Duration) async throws(WebhookError) {
        guard let parsed = URL(string: url), let scheme = parsed.scheme, ["http", "https"].contains(scheme),
              let host = parsed.host, !host.isEmpty else { throw .badURL(url) }
        let port = parsed.port ?? (scheme == "https" ? 443 : 80)
        let path = (parsed.path.isEmpty ? "/" : parsed.path) + (parsed.query.map { "?\($0)" } ?? "")
        do {
            try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask { try await exchange(body, host: host, port: port, path: path, tls: scheme == "https") }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return false
                }
                defer { group.cancelAll() }
                guard try await group.next() == true else { throw WebhookError.timedOut }
            }
        } catch let error as WebhookError {
            throw error
        } catch {
            throw .failed("\(error)")
        }
    }

    private static func exchange(_ body: Data, host: String, port: Int, path: String, tls: Bool) async throws -> Bool {
        let context = tls ? try NIOSSLContext(configuration: .makeClientConfiguration()) : nil
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let context {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: host))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: path)
            head.headers.add(name: "Host", value: host)
            head.headers.add(name: "Content-Type", value: "application/json")
            head.headers.add(name: "Content-Length", value: "\(body.count)")
            head.headers.add(name: "Connection", value: "close")
            try await outbound.write(contentsOf: [.head(head), .body(.byteBuffer(ByteBuffer(bytes: body))), .end(nil)])
            for try await part in inbound {
                if case .head(let response) = part {
                    guard (200..<300).contains(response.status.code) else {
                        throw WebhookError.refused(Int(response.status.code))
                    }
                    return true
                }
            }
            throw WebhookError.failed("the connection closed before an answer")
        }
    }
}

enum WebhookError: Error, CustomStringConvertible {
    case badURL(String)
    case timedOut
    case refused(Int)
    case failed(String)

    var description: String {
        switch self {
        case .badURL(let url): "not an http(s) URL: \(url)"
        case .timedOut: "timed out"
        case .refused(let status): "answered HTTP \(status)"
        case .failed(let why): why
        }
    }
}
