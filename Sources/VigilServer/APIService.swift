import Foundation
import Logging
import NIOHTTP1
import ServiceLifecycle
import VigilLifecycle
import VigilMetrics
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
                recovery: RecoveryCoordinator? = nil, lifecycle: JobLifecycle? = nil, exporter: MetricsExporter = MetricsExporter(), token: [UInt8],
                logger: Logger) {
        self.token = token
        self.host = host
        self.port = port
        self.portFile = portFile
        let reads = ConsoleReads(store: store, detector: detector, stats: stats, directory: directory)
        self.responder = APIResponder(store: store, detector: detector, reads: reads, recoveries: recoveries, recovery: recovery,
                                      lifecycle: lifecycle, exporter: exporter)
        self.logger = logger
    }

    public func run() async throws {
        let (logger, host, portFile) = (logger, host, portFile)
        try await HTTPListener(host: host, port: port).run(bound: { bound in
            if let portFile { try "\(bound)\n".write(toFile: portFile, atomically: true, encoding: .utf8) }
            logger.info("API listening", metadata: ["host": "\(host)", "port": "\(bound)"])
        }, answer: { request in
            let (status, body) = await answer(request)
            let metrics = status == .ok && request.head.uri.split(separator: "?").first == "/metrics"
            return HTTPListener.Reply(status, contentType: metrics ? MetricsExporter.contentType : "application/json",
                                      body: Array(body))
        })
    }

    private func answer(_ http: HTTPListener.Request) async -> (HTTPResponseStatus, Data) {
        let head = http.head
        do {
            let request = try APIRequest(method: head.method.rawValue, uri: head.uri, body: http.body)
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
