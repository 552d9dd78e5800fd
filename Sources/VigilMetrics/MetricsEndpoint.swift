import Logging
import NIOHTTP1
import ServiceLifecycle
import VigilCore
import VigilLifecycle

/// `GET /metrics` for Prometheus to scrape, on a port of its own (the
/// agent's; the server answers it on its API port). Anything else is 404.
public struct MetricsEndpoint: Service {
    private let listener: HTTPListener
    private let exporter: MetricsExporter
    private let samples: @Sendable () -> [MetricSample]
    private let logger: Logger

    public init(host: String, port: Int, exporter: MetricsExporter, logger: Logger,
                samples: @escaping @Sendable () -> [MetricSample]) {
        self.listener = HTTPListener(host: host, port: port)
        self.exporter = exporter
        self.samples = samples
        self.logger = logger
    }

    /// A port that cannot be bound costs the metrics, not the agent: logged, and the agent runs on.
    public func run() async throws {
        do {
            try await serve()
        } catch {
            logger.error("cannot serve metrics", metadata: ["host": "\(listener.host)", "port": "\(listener.port)",
                                                            "reason": "\(error)"])
            try? await gracefulShutdown()
        }
    }

    private func serve() async throws {
        let (exporter, samples, logger, host) = (exporter, samples, logger, listener.host)
        try await listener.run(bound: { port in
            logger.info("metrics listening", metadata: ["host": "\(host)", "port": "\(port)"])
        }, answer: { request in
            guard request.head.method == .GET, request.head.uri.split(separator: "?").first == "/metrics" else {
                return HTTPListener.Reply(.notFound, contentType: "text/plain", body: Array("only GET /metrics here\n".utf8))
            }
            return HTTPListener.Reply(.ok, contentType: MetricsExporter.contentType, body: Array(exporter.scrape(samples()).utf8))
        })
    }
}
