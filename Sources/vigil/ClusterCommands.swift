import ArgumentParser
import Foundation
import VigilAPIClient
import VigilCore
import VigilRecovery

/// `vigil nodes`, `vigil ranks`, `vigil collectives`, `vigil status`: the
/// server's view, as tables or JSON.
struct NodesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "nodes", abstract: "Nodes known to the server, with their health.")
    @OptionGroup var api: APIOption

    func run() async throws {
        let page = try await api.client.nodes()
        try api.show(page, else: ClusterTables.nodes(page.items, nowNs: wallClockNanoseconds()))
    }
}

struct RanksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ranks", abstract: "Every rank the server knows of, with its state.")
    @OptionGroup var api: APIOption

    func run() async throws {
        let page = try await api.client.ranks()
        try api.show(page, else: ClusterTables.ranks(page.items, nowNs: wallClockNanoseconds()))
    }
}

struct CollectivesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collectives", abstract: "Collectives stored for a job, per rank, communicator and op.")
    @OptionGroup var api: APIOption
    @Option(help: "The job id.") var job: String

    func run() async throws {
        let totals = try await api.client.collectives(job: job)
        try api.show(totals, else: ClusterTables.collectives(totals))
    }
}

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "The cluster at a glance: nodes, ranks, each job's goodput (ETTR, lost time by cause), and for a job its books (produced = stored + dropped).")
    @OptionGroup var api: APIOption
    @Option(help: "Also show this job's accounts.") var job: String?

    func run() async throws {
        let client = api.client
        let nodes = try await client.nodes(), ranks = try await client.ranks()
        let byStatus = Dictionary(grouping: ranks.items, by: \.snapshot.status.rawValue).mapValues(\.count)
        var text = "nodes \(nodes.items.count), ranks \(ranks.items.count)"
            + byStatus.sorted { $0.key < $1.key }.map { " \($0.key) \($0.value)" }.joined(separator: ",") + "\n\n"
        text += ClusterTables.nodes(nodes.items, nowNs: wallClockNanoseconds())
        text += "\n" + GoodputTable.render(try await client.goodput(job: job))
        guard let job else { return try api.show(nodes.items, else: text) }
        let accounts = try await client.accounts(job: job)
        try api.show(accounts, else: text + "\n" + ClusterTables.accounts(accounts))
    }
}

struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs", abstract: "Job attempts (launches, restarts): hosts, state, exit status, Slurm job.")
    @OptionGroup var api: APIOption
    @Option(help: "Only this job's attempts.") var job: String?

    func run() async throws {
        let runs = try await api.client.runs(job: job)
        try api.show(runs, else: ClusterTables.runs(runs, nowNs: wallClockNanoseconds()))
    }
}

struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs", abstract: "The last lines a job attempt printed (stdout, then stderr).")
    @OptionGroup var api: APIOption
    @Argument(help: "The job id.") var job: String
    @Option(help: "The attempt (default: the latest).") var attempt: Int?

    func run() async throws {
        let runs = try await api.client.runs(job: job)
        guard let run = attempt.map({ a in runs.first { $0.attempt == a } }) ?? runs.max(by: { $0.attempt < $1.attempt }) else {
            throw ValidationError("no run of job \(job)\(attempt.map { " attempt \($0)" } ?? "") is known to the server")
        }
        print("== \(run.job) attempt \(run.attempt) on \(run.node): stdout ==\n\(run.stdoutTail)", terminator: "")
        print("== stderr ==\n\(run.stderrTail)", terminator: "")
    }
}

struct LinksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "links", abstract: "A job's node × node point-to-point traffic (the link matrix).")
    @OptionGroup var api: APIOption
    @Option(help: "The job id.") var job: String

    func run() async throws {
        let links = try await api.client.links(job: job)
        try api.show(links, else: ClusterTables.links(links))
    }
}

struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "The cluster's timeline: agents connecting, cordons, job attempts.")
    @OptionGroup var api: APIOption
    @Option(help: "Only events after this id.") var after: Int64 = 0

    func run() async throws {
        let events = try await api.client.events(after: after)
        try api.show(events, else: ClusterTables.events(events, nowNs: wallClockNanoseconds()))
    }
}
