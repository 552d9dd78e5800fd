import Foundation
import VigilAPIClient

/// A real Prometheus Alertmanager (Debian's prometheus-alertmanager) for
/// one test: its own config, storage and port; stopped by pid with the scope.
struct AlertmanagerHarness {
    let child: ChildProcess
    let port: Int

    var url: String { "http://127.0.0.1:\(port)" }

    struct Alert: Decodable {
        struct Status: Decodable { var state: String }
        var labels: [String: String]
        var status: Status
    }

    /// The alerts it holds now (resolved ones are gone).
    func alerts() async -> [Alert] {
        (try? await APIClient(address: "127.0.0.1:\(port)").fetch("/api/v2/alerts", as: [Alert].self).0) ?? []
    }
}

/// Any JSON value, unread.
struct AnyDecodable: Decodable {
    init(from decoder: any Decoder) throws {}
}

extension TestScope {
    func alertmanager() async throws -> AlertmanagerHarness {
        let dir = directory.appendingPathComponent("alertmanager")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let config = dir.appendingPathComponent("alertmanager.yml").path
        try "route:\n  receiver: none\nreceivers:\n  - name: none\n".write(toFile: config, atomically: true, encoding: .utf8)
        let port = 19_000 + Int.random(in: 0..<900)
        let child = try ChildProcess("/usr/bin/prometheus-alertmanager",
                                     ["--config.file=\(config)", "--storage.path=\(dir.path)/data",
                                      "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address="],
                                     outputDirectory: dir, label: "alertmanager")
        stopAfterwards { await child.stop() }
        let harness = AlertmanagerHarness(child: child, port: port)
        let ready = await eventually(timeout: .seconds(20), every: .milliseconds(100)) {
            (try? await APIClient(address: "127.0.0.1:\(port)").fetch("/api/v2/status", as: [String: AnyDecodable].self)) != nil
        }
        guard ready else { throw HarnessError.queryFailed("alertmanager not ready: \(child.stderr.suffix(400))") }
        return harness
    }
}
