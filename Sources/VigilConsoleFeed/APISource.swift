import VigilAPIClient
import VigilConsole
import VigilCore
import VigilRecovery

/// The server's API, with the shared token for actions (none: actions refused).
public struct APISource: ConsoleSource {
    let client: APIClient
    let token: [UInt8]?

    public init(client: APIClient, token: [UInt8]?) {
        self.client = client
        self.token = token
    }

    public var label: String { "api \(client.address)" }

    public var refusesActions: String? {
        token == nil ? "no token to act with (give --token-file or set VIGIL_TOKEN)" : nil
    }

    public func summary() async throws -> ClusterSummary { try await client.summary() }

    public func nodes(since cursor: UInt64) async throws -> (nodes: [NodeSummary], cursor: UInt64) {
        let page = try await client.nodes(since: cursor)
        return (page.items, page.cursor)
    }

    public func rankMap(job: String) async throws -> RankMap { try await client.rankMap(job: job) }

    public func collectives(job: String) async throws -> CollectiveSummaries { try await client.collectiveSummaries(job: job) }

    public func links(job: String) async throws -> (links: [LinkTotal], probes: [LinkProbe]) {
        async let links = client.links(job: job)
        async let probes = client.probes(job: job)
        return (try await links, try await probes)
    }

    public func incidents(limit: Int) async throws -> [StoredIncident] { try await client.incidents(limit: limit) }

    public func events(after id: Int64) async throws -> [ClusterEvent] { try await client.events(after: id) }

    public func runs() async throws -> [JobRun] { try await client.runs() }

    public func checkpoints() async throws -> [StoredCheckpoint] { try await client.checkpoints() }

    public func recoveries() async throws -> (recoveries: [StoredRecovery], goodput: [Goodput]) {
        async let recoveries = client.recoveries()
        async let goodput = client.goodput()
        return (try await recoveries, try await goodput)
    }

    /// Node by node; a failure says which nodes were done before it.
    public func perform(_ action: ConsoleAction) async throws {
        guard let token else { throw ConsoleSourceError.readOnly(refusesActions ?? "") }
        if case .approve(let id, _) = action {
            _ = try await client.approveRecovery(id, token: token)
            return
        }
        var done: [String] = []
        for node in action.nodes {
            do {
                _ = try await client.setCordoned(node, action.cordons, token: token)
            } catch {
                throw ConsoleSourceError.partly(done: done, failed: node, reason: "\(error)")
            }
            done.append(node)
        }
    }
}

public enum ConsoleSourceError: Error, CustomStringConvertible {
    case readOnly(String)
    case partly(done: [String], failed: String, reason: String)

    public var description: String {
        switch self {
        case .readOnly(let why): why
        case .partly(let done, let failed, let reason):
            (done.isEmpty ? "" : "done for \(done.joined(separator: ", ")); ") + "\(failed): \(reason)"
        }
    }
}
