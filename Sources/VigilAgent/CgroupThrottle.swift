import VigilCore

/// How long a process's cgroup has been held back by its CPU quota (CFS
/// throttling), from cpu.stat under cgroup v1 (`throttled_time`, ns) or
/// v2 (`throttled_usec`). Read afresh every report: a rank can be moved
/// into a limited cgroup while it runs.
enum CgroupThrottle {
    static func throttledNs(pid: Int32, root: String = "/sys/fs/cgroup") -> UInt64? {
        guard let membership = Environment.readFile("/proc/\(pid)/cgroup") else { return nil }
        for file in statFiles(membership, root: root) {
            if let stat = Environment.readFile(file), let ns = parse(stat) { return ns }
        }
        return nil
    }

    /// Candidate cpu.stat files: the v1 hierarchy holding the cpu controller, then v2.
    static func statFiles(_ membership: String, root: String) -> [String] {
        var files: [String] = []
        for line in membership.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { continue }
            let controllers = parts[1].split(separator: ",")
            let path = parts[2] == "/" ? "" : String(parts[2])
            if controllers.contains("cpu") {
                files.insert("\(root)/\(parts[1])\(path)/cpu.stat", at: 0)
            } else if parts[0] == "0", parts[1].isEmpty {
                files.append("\(root)\(path)/cpu.stat")
            }
        }
        return files
    }

    static func parse(_ stat: String) -> UInt64? {
        for line in stat.split(separator: "\n") {
            let field = line.split(separator: " ")
            guard field.count == 2, let value = UInt64(field[1]) else { continue }
            if field[0] == "throttled_time" { return value }
            if field[0] == "throttled_usec" { return value * 1_000 }
        }
        return nil
    }
}
