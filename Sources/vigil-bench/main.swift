// vigil-bench: micro-benchmarks of the Swift side, figures printed, never asserted.
//
//   vigil-bench drain [--records N]                    agent drain rate on one core
//   vigil-bench ingest [--nodes N] [--ranks R] [--instances I]
//                                                     server decode + join + tally on one core
//   vigil-bench store [--rows N] [--per-batch B]       store writes vs a raw sqlite3 loop
//   vigil-bench detector [--ranks N] [--per-node R] [--trials T]
//                                                     fault matrix: precision, recall, latency, CPU
//   vigil-bench console [--nodes N] [--per-node R] [--frames F]
//                                                     console frame build per view, cells a quiet refresh rewrites
//   vigil-bench fanout --ssh-config F --hosts h1,h2 [--sessions N] [--connect-only]
//                                                     concurrent ssh sessions running `true`
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())

func text(_ name: String) -> String? {
    arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
}

func option(_ name: String, default value: Int) -> Int {
    arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? Int(arguments[$0 + 1]) : nil } ?? value
}

switch arguments.first {
case "drain":
    DrainBenchmark(records: option("--records", default: 20_000_000)).run()
case "ingest":
    IngestBenchmark(nodes: option("--nodes", default: 1_024), ranksPerNode: option("--ranks", default: 8),
                    instancesPerRank: option("--instances", default: 100)).run()
case "store":
    try await StoreBenchmark(windows: option("--rows", default: 200_000), perBatch: option("--per-batch", default: 1_000)).run()
case "detector":
    DetectorBenchmark(ranks: option("--ranks", default: 1_024), ranksPerNode: option("--per-node", default: 8),
                      trials: option("--trials", default: 3)).run()
case "console":
    ConsoleBenchmark(nodes: option("--nodes", default: 1_024), ranksPerNode: option("--per-node", default: 8),
                     frames: option("--frames", default: 21)).run()
case "fanout":
    guard let config = text("--ssh-config"), let hosts = text("--hosts") else {
        FileHandle.standardError.write("usage: vigil-bench fanout --ssh-config F --hosts h1,h2 [--sessions N]\n".data(using: .utf8)!)
        exit(2)
    }
    await FanOutBenchmark(sshConfig: config, hosts: hosts.split(separator: ",").map(String.init),
                          sessions: option("--sessions", default: 100), connectOnly: arguments.contains("--connect-only")).run()
default:
    FileHandle.standardError.write("usage: vigil-bench drain|ingest|store|detector|console|fanout [options]\n".data(using: .utf8)!)
    exit(2)
}
