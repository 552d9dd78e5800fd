import Foundation

/// CPU this machine spent outside the bench since `start()`: everything
/// (/proc/stat) less the bench's own processes (the test, vigil, MPI, sshd,
/// the workloads). A rank starved by such load is truly slowed, and the
/// detector says so (a straggler, or the node's contention): true verdicts
/// the healthy drills may see only when they measured the load behind them.
struct ExternalLoad {
    /// Command names (as /proc truncates them) of the bench's own processes.
    static let benchCommands = ["vigil", "Vigil", "prte", "mpirun", "orted", "sshd", "ssh", "swiftpm-testing"]
    /// At least this many cores, on average, is load from outside the bench.
    static let threshold = 0.3

    private let startedAt = ContinuousClock.now
    private let busyAtStart: UInt64
    private let benchAtStart: [Int32: UInt64]

    static func start() -> ExternalLoad { ExternalLoad() }

    private init() {
        busyAtStart = Self.busyTicks()
        benchAtStart = Self.benchTicks()
    }

    /// Cores used outside the bench since the start, on average.
    var cores: Double {
        let wall = Double((ContinuousClock.now - startedAt).components.seconds) + 1e-9
        let bench = Self.benchTicks().reduce(into: UInt64(0)) { sum, entry in
            sum += entry.value - min(entry.value, benchAtStart[entry.key] ?? 0)
        }
        let busy = Self.busyTicks() - busyAtStart
        return Double(busy - min(busy, bench)) / Double(sysconf(Int32(_SC_CLK_TCK))) / max(wall, 1)
    }

    var isSignificant: Bool { cores >= Self.threshold }

    /// Busy ticks of every CPU: all of /proc/stat's first line but idle and iowait.
    private static func busyTicks() -> UInt64 {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = stat.split(separator: "\n").first else { return 0 }
        let fields = line.split(separator: " ").dropFirst().compactMap { UInt64($0) }
        guard fields.count >= 5 else { return 0 }
        return fields.reduce(0, +) - fields[3] - fields[4]
    }

    /// utime + stime of each bench process now.
    private static func benchTicks() -> [Int32: UInt64] {
        let pids = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap(Int32.init)
        var ticks: [Int32: UInt64] = [:]
        for pid in pids {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { continue }
            let command = stat[stat.index(after: open)..<close]
            guard benchCommands.contains(where: { command.hasPrefix($0) }) else { continue }
            let rest = stat[stat.index(after: close)...].split(separator: " ")
            guard rest.count > 13, let user = UInt64(rest[11]), let system = UInt64(rest[12]) else { continue }
            ticks[pid] = user + system
        }
        return ticks
    }
}
