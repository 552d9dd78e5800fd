import ArgumentParser
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// Requests to the server's API: reads, and changes that carry the token.
enum APIClient {
    static func get(_ path: String, from address: String) async throws -> Data {
        try await send(.GET, path, to: address, token: nil)
    }

    static func post(_ path: String, to address: String, token: [UInt8]) async throws -> Data {
        try await send(.POST, path, to: address, token: token)
    }

    private static func send(_ method: HTTPMethod, _ path: String, to address: String, token: [UInt8]?) async throws -> Data {
        let (host, port) = try HostPort.parse(address)
        let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(5))
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw APIClientError.unreachable(address, "\(error)")
        }
        return try await channel.executeThenClose { inbound, outbound in
            var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
            head.headers.add(name: "Host", value: host)
            if let token { head.headers.add(name: "Authorization", value: "Bearer " + String(decoding: token, as: UTF8.self)) }
            if method == .POST { head.headers.add(name: "Content-Length", value: "0") }
            head.headers.add(name: "Connection", value: "close")
            // One write: a server that answers on the head alone (a GET has no
            // body) may close before a separate write of the end would run.
            try await outbound.write(contentsOf: [.head(head), .end(nil)])
            var status = HTTPResponseStatus.ok
            var body = ByteBuffer()
            for try await part in inbound {
                switch part {
                case .head(let response): status = response.status
                case .body(let chunk): body.writeImmutableBuffer(chunk)
                case .end: break
                }
            }
            let data = Data(body.readableBytesView)
            guard status == .ok else {
                let message = (try? JSONDecoder().decode([String: String].self, from: data))?["error"] ?? "\(status)"
                throw APIClientError.refused(status.code, message)
            }
            return data
        }
    }
}

enum APIClientError: Error, CustomStringConvertible {
    case unreachable(String, String)
    case refused(UInt, String)

    var description: String {
        switch self {
        case .unreachable(let address, let why): "no server API at \(address): \(why) (is `vigil server` running there?)"
        case .refused(let code, let message): "server answered \(code): \(message)"
        }
    }
}

/// Where the CLI finds the server's read API.
struct APIOption: ParsableArguments {
    @Option(name: .customLong("api"),
            help: ArgumentHelp("The server's read API (default: $VIGIL_API, else 127.0.0.1:7078).", valueName: "host:port"))
    var explicitAddress: String?

    @Flag(help: "Print JSON for scripts.")
    var json = false

    var address: String {
        explicitAddress ?? ProcessInfo.processInfo.environment["VIGIL_API"].flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1:7078"
    }

    func fetch<T: Decodable>(_ path: String, as type: T.Type) async throws -> (T, Data) {
        let data = try await APIClient.get(path, from: address)
        return (try JSONDecoder().decode(T.self, from: data), data)
    }
}
