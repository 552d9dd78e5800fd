import Foundation
import VigilCore
import VigilDetector

/// The detector on synthetic jobs at scale, one core: every fault class at
/// a few culprits, plus healthy runs, fed as agent batches through the
/// server's monitor (join included). Precision and recall of class and
/// culprit, detection latency per class, and CPU per million instance records.
struct DetectorBenchmark {
    let ranks: Int
    let ranksPerNode: Int
    let trials: Int
    static let second: UInt64 = 1_000_000_000
    static let faultAfter: UInt64 = 25_300_000_000
    static let runFor: UInt64 = 45

    struct Outcome {
        var correct = 0, wrong = 0, found = 0, injected = 0
        var latencies: [String: [Double]] = [:]
        var cpuNs: UInt64 = 0, records = 0
    }

    func run() {
        var outcome = Outcome()
        var rng = SplitMix64(seed: 0xDE7EC7)
        let nodes = (ranks + ranksPerNode - 1) / ranksPerNode
        var faults: [SyntheticJob.Fault?] = Array(repeating: nil, count: trials)
        for _ in 0..<trials {
            let rank = Int(rng.next() % UInt64(ranks)), node = Int(rng.next() % UInt64(nodes))
            faults += [.hang(rank: rank), .crash(rank: rank), .nodeDown(node: node), .communicationHang,
                       .straggler(rank: rank, factor: 1.5), .slowLink(node: node, factor: 4)]
        }
        for fault in faults { trial(fault, into: &outcome) }
        let precision = Double(outcome.correct) / Double(max(1, outcome.correct + outcome.wrong))
        let recall = Double(outcome.found) / Double(max(1, outcome.injected))
        print(String(format: "detector ranks %d runs %d precision %.3f recall %.3f cpu_ms_per_million_records %.1f records %d",
                     ranks, faults.count, precision, recall, Double(outcome.cpuNs) / 1e6 / (Double(outcome.records) / 1e6),
                     outcome.records))
        for (name, values) in outcome.latencies.sorted(by: { $0.key < $1.key }) {
            let sorted = values.sorted()
            print(String(format: "detector_latency ranks %d class %@ median_s %.2f max_s %.2f runs %d", ranks, name,
                         sorted[sorted.count / 2], sorted.last!, sorted.count))
        }
    }

    private func trial(_ fault: SyntheticJob.Fault?, into outcome: inout Outcome) {
        let job = SyntheticJob(ranks: ranks, ranksPerNode: ranksPerNode, stepNs: 100_000_000, fault: fault,
                               faultAfterNs: Self.faultAfter)
        var monitor = TelemetryMonitor()
        var raised: [String: Incident] = [:]
        var probeAt: UInt64?
        for second in 1...(Self.faultAfter / Self.second + Self.runFor - 25) {
            let now = job.startNs + second * Self.second
            let batches = job.batches(afterNs: now - Self.second, atNs: now, seq: second)
            let probes = probeAt == now ? job.probes(atNs: now) : []
            let start = threadCPUNanoseconds()
            for (node, batch) in batches { monitor.ingest(batch, from: node, atNs: now) }
            if !probes.isEmpty { monitor.ingest(TelemetryBatch(seq: second, items: probes.map(TelemetryItem.probe)), from: "node0", atNs: now) }
            // Agents report every second; the server evaluates every 500 ms.
            var report = DetectorReport()
            for half in UInt64(0)..<2 {
                let tick = monitor.evaluate(nowNs: now + half * Self.second / 2)
                report.raised += tick.raised
                report.updated += tick.updated
                report.open = tick.open
                report.probesWanted.merge(tick.probesWanted) { min($0, $1) }
            }
            outcome.cpuNs += threadCPUNanoseconds() - start
            outcome.records += batches.reduce(0) { sum, b in
                sum + b.batch.items.reduce(0) { if case .instances(let e) = $1 { $0 + e.events.count } else { $0 } }
            }
            for incident in report.raised + report.updated { raised[incident.key] = incident }
            let unplaced = report.open.contains { $0.incidentClass == .communicationSlow && $0.suspects.count > 1 }
            if probeAt == nil, unplaced || !report.probesWanted.isEmpty {
                probeAt = now + 2 * Self.second
            }
        }
        score(Array(raised.values), fault: fault, job: job, into: &outcome)
    }

    private func score(_ incidents: [Incident], fault: SyntheticJob.Fault?, job: SyntheticJob, into outcome: inout Outcome) {
        guard let fault else {
            outcome.wrong += incidents.count
            return
        }
        outcome.injected += 1
        let (expected, culprits) = Self.expectation(fault, job: job)
        var hit = false
        for incident in incidents {
            if incident.incidentClass == expected && incident.suspects == culprits.sorted() && !hit {
                hit = true
                outcome.correct += 1
                outcome.latencies[expected.rawValue, default: []].append(Double(incident.detectedNs - job.faultAtNs) / 1e9)
            } else {
                outcome.wrong += 1
                if ProcessInfo.processInfo.environment["VIGIL_BENCH_VERBOSE"] != nil {
                    print("wrong: injected \(fault), raised \(incident.headline): \(incident.evidence.summary)")
                }
            }
        }
        if hit { outcome.found += 1 }
    }

    static func expectation(_ fault: SyntheticJob.Fault, job: SyntheticJob) -> (Incident.Class, [Incident.Suspect]) {
        switch fault {
        case .hang(let rank): (.nonCommunicationHang, [.init(node: job.node(of: rank), rank: rank)])
        case .crash(let rank): (.rankCrash, [.init(node: job.node(of: rank), rank: rank)])
        case .nodeDown(let node): (.nodeDown, [.init(node: "node\(node)")])
        case .communicationHang: (.communicationHang, job.nodes.map { .init(node: $0) })
        case .straggler(let rank, _): (.straggler, [.init(node: job.node(of: rank), rank: rank)])
        case .slowLink(let node, _): (.communicationSlow, [.init(node: "node\(node)")])
        }
    }
}
