import Synchronization
import VigilCore
import VigilWire

/// The ssh backend, as the server drives it: the agents (started over ssh
/// by `vigil launch`, or running as a service) take `JobControl` frames.
/// The first host's agent runs the attempt's mpirun, which starts the ranks
/// over ssh; every host's agent stops what runs of a job there.
public final class AgentBackend: JobBackend {
    public let name = "ssh"
    private let directory: AgentDirectory
    /// What agents answered, per job control: "job/attempt/action" → node → reply.
    private let replies = Mutex<[String: [String: JobControlReply]]>([:])

    static let startTimeoutNs: UInt64 = 30_000_000_000

    public init(directory: AgentDirectory) {
        self.directory = directory
    }

    /// Whether a batch carries an answer to a job control.
    public static func concerns(_ batch: TelemetryBatch) -> Bool {
        batch.items.contains { if case .jobControl = $0 { true } else { false } }
    }

    public func ingest(_ batch: TelemetryBatch, from node: String) {
        replies.withLock { replies in
            for case .jobControl(let reply) in batch.items {
                replies["\(reply.job)/\(reply.attempt)/\(reply.action)", default: [:]][node] = reply
            }
        }
    }

    public func start(_ spec: RunSpec) async throws -> JobRun? {
        forget(.start(spec), .start)
        guard let first = spec.hosts.first?.host, directory.send(JobControl.start(spec).frame, to: first) else {
            throw JobLifecycleError.backend("no agent connected on \(spec.hosts.first?.host ?? "the first host")")
        }
        let answers = try await awaitReplies(.start(spec), from: [first], action: .start, timeoutNs: Self.startTimeoutNs)
        if let reply = answers[first], !reply.ok { throw JobLifecycleError.backend("\(first) did not start it: \(reply.detail)") }
        return nil
    }

    /// SIGTERM, then SIGKILL after the grace, through every live host's agent;
    /// done once each said nothing of the job is left there.
    public func stop(_ run: JobRun, graceNs: UInt64) async throws {
        let hosts = Set(run.hosts.map(\.host) + [run.node]).intersection(directory.connectedNodes)
        let control = JobControl.stop(job: run.job, attempt: run.attempt, graceMs: Int(graceNs / 1_000_000))
        forget(control, .stop)
        for host in hosts.sorted() { directory.send(control.frame, to: host) }
        let answers = try await awaitReplies(control, from: hosts, action: .stop, timeoutNs: graceNs + 40_000_000_000)
        if let stuck = answers.sorted(by: { $0.key < $1.key }).first(where: { !$0.value.ok }) {
            throw JobLifecycleError.backend("\(stuck.key): \(stuck.value.detail)")
        }
    }

    /// The store's cordon is the whole of it: launches ask the server.
    public func cordon(_ node: String, cause: CordonCause) async throws {}
    public func uncordon(_ node: String) async throws -> String? { nil }
    public func usableNodes() async throws -> Set<String>? { nil }
    public func nodeStates() async -> [String: String] { [:] }

    /// An earlier answer to the same control is not this one's.
    private func forget(_ control: JobControl, _ action: JobControlReply.Action) {
        _ = replies.withLock { $0.removeValue(forKey: "\(control.job)/\(control.attempt)/\(action)") }
    }

    /// Until every one of `hosts` answered `control` (a host whose agent left counts as gone), or the deadline.
    private func awaitReplies(_ control: JobControl, from hosts: Set<String>, action: JobControlReply.Action,
                              timeoutNs: UInt64) async throws -> [String: JobControlReply] {
        let key = "\(control.job)/\(control.attempt)/\(action)"
        let deadline = wallClockNanoseconds() + timeoutNs
        while true {
            let answers = replies.withLock { $0[key] ?? [:] }
            let waiting = hosts.subtracting(answers.keys).intersection(directory.connectedNodes)
            if waiting.isEmpty { return answers }
            guard wallClockNanoseconds() < deadline else {
                throw JobLifecycleError.backend("no answer to \(action) from " + waiting.sorted().joined(separator: ", "))
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
