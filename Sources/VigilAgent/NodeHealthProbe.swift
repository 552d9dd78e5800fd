import VigilCore
#if canImport(Glibc)
import Glibc
#endif

/// Reads the node's vital signs from /proc, /sys and statvfs. CPU busy is
/// measured between two calls, so the probe keeps the previous sample.
struct NodeHealthProbe {
    private var previousCPU: (busy: UInt64, total: UInt64)?
    private let gpus = GPUProbe()
    let diskPath: String

    init(diskPath: String = "/") {
        self.diskPath = diskPath
    }

    mutating func sample(wallNs: UInt64) -> NodeHealth {
        let memory = Self.meminfo(Environment.readFile("/proc/meminfo") ?? "")
        return NodeHealth(
            wallNs: wallNs, cpuBusyPermille: cpuBusyPermille(), memoryTotalBytes: memory.total,
            memoryAvailableBytes: min(memory.available, memory.total), load1Centi: Self.load1Centi(),
            diskFreeBytes: Self.diskFree(diskPath), nics: Self.nics(), gpus: gpus.sample())
    }

    private mutating func cpuBusyPermille() -> Int {
        guard let line = Environment.readFile("/proc/stat")?.split(separator: "\n").first else { return 0 }
        let ticks = line.split(separator: " ").dropFirst().compactMap { UInt64($0) }
        guard ticks.count >= 5 else { return 0 }
        let total = ticks.reduce(0, +)
        let busy = total - ticks[3] - ticks[4]  // minus idle and iowait
        defer { previousCPU = (busy, total) }
        guard let previous = previousCPU, total > previous.total else { return 0 }
        return Int((busy - min(busy, previous.busy)) * 1_000 / (total - previous.total))
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

    private static func nics() -> [NodeHealth.NIC] {
        let base = "/sys/class/net"
        guard let names = try? listDirectory(base) else { return [] }
        return names.sorted().filter { $0 != "lo" && $0.utf8.count <= 32 }.map { name in
            func counter(_ file: String) -> UInt64 {
                UInt64(Environment.readFile("\(base)/\(name)/statistics/\(file)")?.trimmingSpaces ?? "") ?? 0
            }
            return NodeHealth.NIC(name: name, rxBytes: counter("rx_bytes"), txBytes: counter("tx_bytes"),
                                  rxErrors: counter("rx_errors"), txErrors: counter("tx_errors"),
                                  up: Environment.readFile("\(base)/\(name)/operstate")?.trimmingSpaces != "down")
        }
    }
}

extension String {
    var trimmingSpaces: String {
        String(self.drop { $0 == " " || $0 == "\n" }.reversed().drop { $0 == " " || $0 == "\n" }.reversed())
    }
}
