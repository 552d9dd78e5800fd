import VigilCore
#if canImport(Glibc)
import Glibc
#endif

/// Reads the node's vital signs from /proc, /sys and statvfs. CPU shares
/// and pressure stalls are measured between two calls, so the probe keeps
/// the previous sample.
struct NodeHealthProbe {
    private var previousTicks: [UInt64]?
    private var previousStalls: (cpuUs: UInt64?, memoryUs: UInt64?, atNs: UInt64)?
    private let gpus = GPUProbe()
    let diskPath: String

    init(diskPath: String = "/") {
        self.diskPath = diskPath
    }

    mutating func sample(wallNs: UInt64) -> NodeHealth {
        let memory = Self.meminfo(Environment.readFile("/proc/meminfo") ?? "")
        let stat = Environment.readFile("/proc/stat") ?? ""
        let shares = cpuShares(stat)
        var pressure = CPUPressure(cores: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), runQueue: Self.procsRunning(stat),
                                   iowaitPermille: shares.iowait, stealPermille: shares.steal)
        (pressure.stallPermille, pressure.memoryStallPermille) = stalls(atNs: wallNs)
        return NodeHealth(
            wallNs: wallNs, cpuBusyPermille: shares.busy, memoryTotalBytes: memory.total,
            memoryAvailableBytes: min(memory.available, memory.total), load1Centi: Self.load1Centi(),
            diskFreeBytes: Self.diskFree(diskPath), nics: Self.nics(), gpus: gpus.sample(), cpu: pressure)
    }

    /// Busy (all but idle and iowait), iowait and steal, in ‰ of the ticks since the last call.
    private mutating func cpuShares(_ stat: String) -> (busy: Int, iowait: Int, steal: Int) {
        guard let line = stat.split(separator: "\n").first else { return (0, 0, 0) }
        var ticks = line.split(separator: " ").dropFirst().compactMap { UInt64($0) }
        guard ticks.count >= 5 else { return (0, 0, 0) }
        while ticks.count < 8 { ticks.append(0) }
        defer { previousTicks = ticks }
        guard let previous = previousTicks else { return (0, 0, 0) }
        let delta = zip(ticks, previous).map { $0 - min($0, $1) }
        let total = delta.reduce(0, +)
        guard total > 0 else { return (0, 0, 0) }
        func permille(_ part: UInt64) -> Int { Int(min(part, total) * 1_000 / total) }
        return (permille(total - delta[3] - delta[4]), permille(delta[4]), permille(delta[7]))
    }

    static func procsRunning(_ stat: String) -> Int {
        let line = stat.split(separator: "\n").first { $0.hasPrefix("procs_running ") }
        return line.flatMap { Int($0.dropFirst("procs_running ".count)) } ?? 0
    }

    /// PSI "some" stall shares of CPU and memory since the last call; −1 without PSI.
    private mutating func stalls(atNs: UInt64) -> (cpu: Int, memory: Int) {
        let cpu = Self.stallTotalUs(Environment.readFile("/proc/pressure/cpu"))
        let memory = Self.stallTotalUs(Environment.readFile("/proc/pressure/memory"))
        defer { previousStalls = (cpu, memory, atNs) }
        guard let previous = previousStalls, atNs > previous.atNs else { return (-1, -1) }
        let elapsedUs = (atNs - previous.atNs) / 1_000
        func share(_ now: UInt64?, _ before: UInt64?) -> Int {
            guard let now, let before, elapsedUs > 0 else { return -1 }
            return Int(min((now - min(now, before)) * 1_000 / elapsedUs, 1_000))
        }
        return (share(cpu, previous.cpuUs), share(memory, previous.memoryUs))
    }

    /// The `total=` (µs) of a PSI file's "some" line.
    static func stallTotalUs(_ text: String?) -> UInt64? {
        guard let some = text?.split(separator: "\n").first(where: { $0.hasPrefix("some ") }),
              let field = some.split(separator: " ").first(where: { $0.hasPrefix("total=") }) else { return nil }
        return UInt64(field.dropFirst("total=".count))
    }

    static func meminfo(_ text: String) -> (total: UInt64, available: UInt64) {
        var values: [Substring: UInt64] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count >= 2, let kib = UInt64(parts[1]) { values[parts[0]] = kib * 1_024 }
        }
        return (values["MemTotal:"] ?? 0, values["MemAvailable:"] ?? 0)
    }

    private static func load1Centi() -> Int {
        guard let first = Environment.readFile("/proc/loadavg")?.split(separator: " ").first, let load = Double(first) else { return 0 }
        return Int((load * 100).rounded())
    }

    private static func diskFree(_ path: String) -> UInt64 {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return 0 }
        return UInt64(info.f_bavail) * UInt64(info.f_frsize)
    }

    /// operstate values of a link that carries nothing ("unknown" is up: lo, tun).
    static let downStates: Set<String> = ["down", "lowerlayerdown", "notpresent"]

    private static func nics() -> [NodeHealth.NIC] {
        let base = "/sys/class/net"
        guard let names = try? listDirectory(base) else { return [] }
        return names.sorted().filter { $0 != "lo" && $0.utf8.count <= 32 }.map { name in
            func counter(_ file: String) -> UInt64 {
                UInt64(Environment.readFile("\(base)/\(name)/statistics/\(file)")?.trimmingSpaces ?? "") ?? 0
            }
            return NodeHealth.NIC(name: name, rxBytes: counter("rx_bytes"), txBytes: counter("tx_bytes"),
                                  rxErrors: counter("rx_errors"), txErrors: counter("tx_errors"),
                                  up: !Self.downStates.contains(Environment.readFile("\(base)/\(name)/operstate")?.trimmingSpaces ?? ""))
        }
    }
}

extension String {
    var trimmingSpaces: String {
        String(self.drop { $0 == " " || $0 == "\n" }.reversed().drop { $0 == " " || $0 == "\n" }.reversed())
    }
}
