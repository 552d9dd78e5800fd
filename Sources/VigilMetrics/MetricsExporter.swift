import CoreMetrics
import Prometheus
import Synchronization
import VigilCore

/// What a `/metrics` scrape answers: the process's swift-metrics counters
/// (bumped where things happen) and gauges set from samples taken at the
/// scrape. A series no longer sampled (a job gone, a node removed) is
/// unregistered, so Prometheus sees it end instead of a frozen last value.
public final class MetricsExporter: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let gauges = Mutex<[String: CoreMetrics.Gauge]>([:])

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        self.factory = PrometheusMetricsFactory(registry: registry)
    }

    /// Make this exporter's registry the process's swift-metrics backend (once per process).
    public func bootstrap() {
        MetricsSystem.bootstrap(factory)
    }

    /// The text exposition format (0.0.4), after setting the gauges to `samples`.
    public func scrape(_ samples: [MetricSample]) -> String {
        gauges.withLock { live in
            var seen = Set<String>()
            for sample in samples {
                let key = sample.series
                seen.insert(key)
                let gauge = live[key] ?? CoreMetrics.Gauge(label: sample.name, dimensions: sample.labels.map { ($0.name, $0.value) },
                                                factory: factory)
                live[key] = gauge
                gauge.record(sample.value)
            }
            for (key, gauge) in live where !seen.contains(key) {
                gauge.destroy()
                live[key] = nil
            }
        }
        return registry.emitToString()
    }

    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"
}
