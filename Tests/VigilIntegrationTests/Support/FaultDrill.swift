import Foundation
import Testing
import VigilCore
#if canImport(Glibc)
import Glibc
#endif

/// A real job on the namespace bench, one vigil-train rank per host,
/// watched by a server that captures what it hears: the stage for injecting
/// a fault from outside the job and timing what the detector makes of it.
struct FaultDrill {
    let stage: LaunchStage
    let job: String
    /// Rank r's pid and node, as the store knows them.
    let ranks: [Int: (pid: Int32, node: String)]
    var capture: String { Self.capture(in: stage.scope) }

    static let trainArguments = ["--steps", "100000000", "--compute-us", "3000", "--log-every", "100000000"]

    /// The job launched on four hosts, every rank reporting progress, then
    /// run for `steady` so the detector learns its normal; nothing raised by then.
    /// `program` (vigil-train unless told) runs on `hosts` (one rank on each of four unless told),
    /// on the suite's shared bench when it has one (the job stopped and the links
    /// restored when `scope` closes), else on a bench of the drill's own.
    static func start(_ scope: TestScope, job: String, program: String = Paths.vigilTrain, train: [String] = trainArguments,
                      hosts: String = "node1,node2,node3,node4", steady: Duration = .seconds(4),
                      load: ExternalLoad? = nil, before: () throws -> Void = {}) async throws -> FaultDrill {
        let stage: LaunchStage
        if let shared = SharedDrillStage.current {
            stage = shared
            scope.stopAfterwards { await Self.clear(shared, job: job) }
        } else {
            stage = try await Self.stage(in: scope)
        }
        try before()
        let launched = try await stage.launch(hosts: hosts, job: job, [program] + train)
        guard launched.status == 0 else { throw HarnessError.queryFailed("launch: \(launched.out)\(launched.err)") }
        let store = try stage.server.store()
        var ranks: [Int: (Int32, String)] = [:]
        let running = await eventually(timeout: .seconds(60), every: .milliseconds(200)) {
            let busy = ((try? await store.ranks()) ?? []).filter {
                $0.snapshot.identity.job == job && $0.snapshot.status == .running && $0.snapshot.counters.consumed > 20
            }
            ranks = Dictionary(uniqueKeysWithValues: busy.map { ($0.snapshot.identity.rank, ($0.snapshot.identity.pid, $0.node)) })
            return ranks.count == 4
        }
        guard running else { throw HarnessError.queryFailed("the job's 4 ranks never all reported progress") }
        let settled = ContinuousClock.now + steady
        _ = await eventually(timeout: steady + .seconds(1), every: .milliseconds(200)) { ContinuousClock.now >= settled }
        let drill = FaultDrill(stage: stage, job: job, ranks: ranks.mapValues { (pid: $0.0, node: $0.1) })
        let early = unexplained(try await drill.incidents(), load: load)
        guard early.isEmpty else {
            throw HarnessError.queryFailed("raised while healthy: \(early.map { "\($0.headline): \($0.evidence.summary)" })")
        }
        return drill
    }

    /// Four hosts and a server capturing what it hears into `capture(in:)`.
    static func stage(in scope: TestScope) async throws -> LaunchStage {
        try await scope.launchStage(hosts: 4, serverArguments: ["--capture", capture(in: scope)])
    }

    static func capture(in scope: TestScope) -> String { scope.directory.appendingPathComponent("capture.vigil").path }

    /// A shared bench made ready for the next drill: `job` stopped, every data link up and unlimited.
    static func clear(_ stage: LaunchStage, job: String) async {
        _ = try? await stage.server.cli(["stop", job, "--grace", "1", "--token-file", stage.server.tokenFile])
        for k in 1...4 {
            try? shell("ip link set \(dataVeth(k)) up; tc qdisc del dev \(dataVeth(k)) root 2>/dev/null; true")
            try? shell("tc qdisc del dev eth1 root 2>/dev/null; true", in: k)
        }
    }

    /// Of a healthy run's incidents, those nothing explains: all of them,
    /// but for the ranks or nodes slowed by CPU load from outside the bench
    /// when `load` measured such load (true verdicts, printed).
    static func unexplained(_ incidents: [Incident], load: ExternalLoad?) -> [Incident] {
        guard let load, load.isSignificant else { return incidents }
        let explained = incidents.filter { [.straggler, .cpuContention].contains($0.incidentClass) }
        for incident in explained {
            print("healthy drill under external load (\(String(format: "%.2f", load.cores)) cores outside the bench): "
                  + "\(incident.headline): \(incident.evidence.summary)")
        }
        return incidents.filter { !explained.contains($0) }
    }

    func incidents() async throws -> [Incident] {
        try await stage.server.store().incidents(job: job).map(\.incident).reversed()
    }

    /// The first incident raised since `sinceNs` within `timeout`, and how long after `sinceNs` it was detected.
    func firstIncident(timeout: Duration = .seconds(45), sinceNs: UInt64) async throws -> (Incident, seconds: Double)? {
        var found: Incident?
        _ = await eventually(timeout: timeout, every: .milliseconds(100)) {
            found = try? await incidents().first { $0.detectedNs >= sinceNs }
            return found != nil
        }
        guard let found else {
            print("fault drill \(job): nothing raised within \(timeout); \(try await state())")
            return nil
        }
        let seconds = Double(Int64(found.detectedNs) - Int64(sinceNs)) / 1e9
        print("fault drill \(job): \(found.headline) after \(String(format: "%.2f", seconds)) s: \(found.evidence.summary)")
        return (found, seconds)
    }

    /// What the server last heard of the job's ranks, and how its mpirun ended.
    func state() async throws -> String {
        let store = try stage.server.store()
        let ranks = try await store.ranks().filter { $0.snapshot.identity.job == job }.sorted { $0.snapshot.identity.rank < $1.snapshot.identity.rank }
        let states = ranks.map { seen in
            let s = seen.snapshot
            return "rank \(s.identity.rank) \(s.status) exit \(s.exitStatus.map(String.init) ?? "-") blocked "
                + (s.blocked.map { "\($0.op.name) #\($0.seq) peers \($0.peers)" } ?? "-")
        }
        let runs = try await store.runs(job: job).map { "\($0.state) exit \($0.exitStatus.map(String.init) ?? "-"): \($0.stderrTail.suffix(800))" }
        return "ranks: \(states.joined(separator: "; ")); runs: \(runs)"
    }

    /// A hang drill: `rank` stopped, checked to be named the hung rank within
    /// the goal (5 s); how long that took.
    func expectHang(stopping rank: Int) async throws -> Double {
        let injected = wallClockNanoseconds()
        try signal(rank: rank, SIGSTOP)
        let (incident, seconds) = try #require(await firstIncident(sinceNs: injected))
        #expect(incident.incidentClass == .nonCommunicationHang, "\(incident.headline): \(incident.evidence.summary)")
        #expect(incident.suspects == [.init(node: ranks[rank]!.node, rank: rank)])
        #expect(seconds <= 5, "detected \(seconds) s after SIGSTOP (goal 5 s)")
        return seconds
    }

    /// A straggler drill: `rank` held to 15% of a CPU, checked to be named
    /// a straggler within the goal (30 s).
    func expectStraggler(quotaOn rank: Int, scope: TestScope) async throws {
        let quota = try CPUQuota(scope: scope, periodUs: 10_000, quotaUs: 1_500)
        let injected = wallClockNanoseconds()
        try quota.add(ranks[rank]!.pid)
        let (incident, seconds) = try #require(await firstIncident(sinceNs: injected))
        #expect(incident.incidentClass == .straggler, "\(incident.headline): \(incident.evidence.summary)")
        #expect(incident.suspects == [.init(node: ranks[rank]!.node, rank: rank)])
        #expect(seconds <= 30, "detected \(seconds) s after the quota (goal 30 s)")
    }

    func signal(rank: Int, _ signal: Int32) throws {
        guard let pid = ranks[rank]?.pid, kill(pid, signal) == 0 else {
            throw HarnessError.queryFailed("kill(\(ranks[rank]?.pid ?? 0), \(signal)) failed")
        }
    }

    /// Run `command` inside host `k`'s namespace (or here, without `k`).
    static func shell(_ command: String, in k: Int? = nil) throws {
        let argv = k.map { ["ip", "netns", "exec", "\(ClusterBench.name)-node\($0)", "sh", "-c", command] } ?? ["sh", "-c", command]
        let (status, output) = try runTool("/usr/bin/env", argv)
        guard status == 0 else { throw HarnessError.queryFailed("\(command): \(output)") }
    }

    /// Host `k`'s management (ssh, agent → server) veth on the bridge side…
    static func veth(_ k: Int) -> String { "\(ClusterBench.name)v\(k)" }
    /// …and its data (MPI, link probes) one.
    static func dataVeth(_ k: Int) -> String { "\(ClusterBench.name)d\(k)" }

    /// Host `k`'s data link limited to `rate` (tc syntax) both ways: egress
    /// of its veth on the bridge side and of eth1 inside its namespace.
    static func limitLink(_ k: Int, to rate: String) throws {
        guard rate.wholeMatch(of: /[0-9]+(k|m|g)?bit/) != nil else { throw HarnessError.queryFailed("not a tc rate: \(rate)") }
        let tbf = "root tbf rate \(rate) burst 64kb latency 200ms"
        try shell("tc qdisc replace dev \(dataVeth(k)) \(tbf)")
        try shell("tc qdisc replace dev eth1 \(tbf)", in: k)
    }
}

/// A child of the cgroup v1 cpu controller that one process is moved into,
/// and out of again (to the root group) before the group is removed.
final class CPUQuota: @unchecked Sendable {
    let path: String
    private var members: [Int32] = []

    init(scope: TestScope, periodUs: Int, quotaUs: Int) throws {
        path = "/sys/fs/cgroup/cpu/vigil-test-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        scope.stopAfterwards { [self] in release() }
        try write("cpu.cfs_period_us", "\(periodUs)")
        try write("cpu.cfs_quota_us", "\(quotaUs)")
    }

    func add(_ pid: Int32) throws {
        try write("cgroup.procs", "\(pid)")
        members.append(pid)
    }

    /// Back to the root group: the quota no longer holds it.
    func remove(_ pid: Int32) throws {
        try "\(pid)\n".write(toFile: "/sys/fs/cgroup/cpu/cgroup.procs", atomically: false, encoding: .utf8)
    }

    private func write(_ file: String, _ value: String) throws {
        try (value + "\n").write(toFile: path + "/" + file, atomically: false, encoding: .utf8)
    }

    private func release() {
        for pid in members { try? "\(pid)\n".write(toFile: "/sys/fs/cgroup/cpu/cgroup.procs", atomically: false, encoding: .utf8) }
        rmdir(path)
    }
}
