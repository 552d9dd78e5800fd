import VigilConsole
import VigilCore
import VigilRecovery

/// Where the console's data comes from: the server's API, or a store opened
/// read-only for a postmortem. Every call may fail; the feed keeps the last
/// good answer and says why the next one did not come.
public protocol ConsoleSource: Sendable {
    /// "api 127.0.0.1:7078", "store /var/lib/vigil/vigil.sqlite (read-only)".
    var label: String { get }
    /// Why actions are refused here, or nil if they can be performed.
    var refusesActions: String? { get }

    func summary() async throws -> ClusterSummary
    /// Nodes changed since `cursor` (0: all), and the cursor to ask with next.
    func nodes(since cursor: UInt64) async throws -> (nodes: [NodeSummary], cursor: UInt64)
    func rankMap(job: String) async throws -> RankMap
    func collectives(job: String) async throws -> CollectiveSummaries
    func links(job: String) async throws -> (links: [LinkTotal], probes: [LinkProbe])
    func incidents(limit: Int) async throws -> [StoredIncident]
    func events(after id: Int64) async throws -> [ClusterEvent]
    func runs() async throws -> [JobRun]
    func checkpoints() async throws -> [StoredCheckpoint]
    /// Recoveries newest first, and each job's goodput.
    func recoveries() async throws -> (recoveries: [StoredRecovery], goodput: [Goodput])
    func perform(_ action: ConsoleAction) async throws
}
