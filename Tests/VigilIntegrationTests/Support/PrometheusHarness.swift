import Foundation
import VigilAPIClient

/// A real Prometheus (Debian's `prometheus`) for one test, scraping the
/// given targets every second: its own config, storage and port; stopped
/// by pid with the scope.
struct PrometheusHarness {
    let child: ChildProcess
    let port: Int

    struct Series: Decodable {
        var metric: [String: String]
        var value: Value

        /// `[timestamp, "value"]`: the sample's value.
        struct Value: Decodable {
            var number: Double
            init(from decoder: any Decoder) throws {
                var pair = try decoder.unkeyedContainer()
                _ = try pair.decode(Double.self)
                number = Double(try pair.decode(String.self)) ?? .nan
            }
        }
    }

    private struct Answer: Decodable {
        struct Data: Decodable { var result: [Series] }
        var status: String
        var data: Data
    }

    /// An instant PromQL query's series (none when it fails).
    func query(_ promql: String) async -> [Series] {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encoded = promql.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
        let answer = try? await APIClient(address: "127.0.0.1:\(port)").fetch("/api/v1/query?query=\(encoded)", as: Answer.self).0
        return answer?.status == "success" ? answer?.data.result ?? [] : []
    }
}

extension TestScope {
    /// `targets`: scrape job name → host:port serving /metrics.
    func prometheus(targets: [String: String]) async throws -> PrometheusHarness {
        let dir = directory.appendingPathComponent("prometheus")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let config = dir.appendingPathComponent("prometheus.yml").path
        var yaml = "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n"
        for (job, target) in targets.sorted(by: { $0.key < $1.key }) {
            yaml += "  - job_name: \(job)\n    static_configs:\n      - targets: ['\(target)']\n"
        }
        try yaml.write(toFile: config, atomically: true, encoding: .utf8)
        let port = 18_000 + Int.random(in: 0..<900)
        let child = try ChildProcess("/usr/bin/prometheus",
                                     ["--config.file=\(config)", "--storage.tsdb.path=\(dir.path)/data",
                                      "--web.listen-address=127.0.0.1:\(port)"],
                                     outputDirectory: dir, label: "prometheus")
        stopAfterwards { await child.stop() }
        let harness = PrometheusHarness(child: child, port: port)
        let ready = await eventually(timeout: .seconds(30), every: .milliseconds(200)) {
            (try? await APIClient(address: "127.0.0.1:\(port)").get("/-/ready")) != nil
        }
        guard ready else { throw HarnessError.queryFailed("prometheus not ready: \(child.stderr.suffix(400))") }
        return harness
    }
}
