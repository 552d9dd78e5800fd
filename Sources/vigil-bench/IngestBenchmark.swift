import Foundation
import NIOCore
import VigilCore
import VigilDetector
import VigilWire

/// Server ingest on one core: decode batch frames, join their instance
/// events across nodes, tally arrivals and feed the detector the completed
/// instances — the per-event work of the server, without sockets or the store.
struct IngestBenchmark {
    let nodes: Int
    let ranksPerNode: Int
    let instancesPerRank: Int

    func run() {
        let frames = makeFrames()
        let events = nodes * ranksPerNode * instancesPerRank
        var monitor = TelemetryMonitor()
        let start = threadCPUNanoseconds()
        var decoded = 0
        for (node, frame) in frames.enumerated() {
            let batch = try! TelemetryBatch(frame: frame)
            monitor.ingest(batch, from: "node\(node)", atNs: 1)
            for case .instances(let item) in batch.items { decoded += item.events.count }
        }
        let cpuNs = threadCPUNanoseconds() - start
        precondition(decoded == events && monitor.openInstances == 0, "every instance should complete")
        let rate = Double(events) / (Double(cpuNs) / 1e9)
        print(String(format: "server_ingest rank_events %d cpu_s %.3f rank_events_per_s %.0f ns_per_event %.1f goal_per_s 1000000 ratio_to_goal %.2f",
                     events, Double(cpuNs) / 1e9, rate, Double(cpuNs) / Double(events), rate / 1e6))
    }

    /// One frame per node, in the order nodes would send them.
    private func makeFrames() -> [Frame] {
        let worldSize = UInt32(nodes * ranksPerNode)
        return (0..<nodes).map { node in
            let items: [TelemetryItem] = (0..<ranksPerNode).map { local in
                let rank = node * ranksPerNode + local
                let events = (1...instancesPerRank).map { seq in
                    InstanceEvent(communicator: 1, seq: UInt64(seq), op: .allreduce, communicatorSize: worldSize,
                                  rank: rank, enterNs: 1_700_000_000_000_000_000 + UInt64(seq) * 10_000_000,
                                  durationNs: 20_000 + UInt64((rank * 7 + seq) % 500))
                }
                return .instances(InstanceEvents(job: "bench", events: events))
            }
            return TelemetryBatch(seq: 1, items: items).frame
        }
    }
}
