import ArgumentParser
import Foundation
import VigilAgent
import VigilAPIClient

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Synthetic agents speaking the real protocol, for scale tests of the server.")

    @Option(help: ArgumentHelp("The server's ingest address.", valueName: "host:port"))
    var server: String = "127.0.0.1:7077"

    @OptionGroup var token: TokenOption

    @Option(help: "Simulated nodes (one connection each).") var nodes: Int = 16
    @Option(help: "Ranks per node.") var ranksPerNode: Int = 8
    @Option(help: "Collectives per second per rank (one instance event each).") var rate: Int = 100
    @Option(help: "Seconds to run.") var duration: Int = 10
    @Option(help: "Job id of the simulated job.") var job: String = "simulated"

    func validate() throws {
        guard (1...65_536).contains(nodes), (1...1_024).contains(ranksPerNode), (1...100_000).contains(rate),
              (1...86_400).contains(duration) else {
            throw ValidationError("nodes 1-65536, ranks-per-node 1-1024, rate 1-100000, duration 1-86400")
        }
    }

    func run() async throws {
        let (host, port) = try HostPort.parse(server)
        let secret = try token.load()
        let plan = SimulatedNode.Plan(job: job, nodes: nodes, ranksPerNode: ranksPerNode, rate: rate, seconds: duration)
        let tally = SimulatedNode.Tally()
        var failures = 0
        await withTaskGroup(of: Bool.self) { group in
            for index in 0..<nodes {
                group.addTask {
                    do {
                        try await SimulatedNode(index: index, plan: plan, host: host, port: port, token: secret).run(tally: tally)
                        return true
                    } catch {
                        return false
                    }
                }
            }
            for await ok in group where !ok { failures += 1 }
        }
        let t = tally.snapshot
        print("simulate nodes \(nodes) ranks \(nodes * ranksPerNode) batches_sent \(t.sent) batches_acked \(t.acked) "
              + "rank_events \(t.events) refused \(t.refused) failed_nodes \(failures)")
        if t.acked < t.sent || failures > 0 || t.refused > 0 { throw ExitCode(1) }
    }
}
