import VigilCore

/// How contended one node's CPUs are, against what is normal for it: a
/// job that oversubscribes its cores from the start is not contended by
/// that; a hog that arrives later is.
struct NodeLoad: Sendable {
    private(set) var latest = CPUPressure()
    /// Smoothed over a few heartbeats: one busy second is not contention.
    private(set) var pressure: Double = 0
    private var normal = Baseline(warmUpNs: 2_000_000_000, learnNs: 10_000_000_000)

    /// Of the signals, the one saying most: PSI's CPU stall share where the
    /// kernel has it, else runnable threads beyond the cores; hypervisor
    /// steal and memory stalls count the same way.
    static func pressure(of cpu: CPUPressure) -> Double {
        let queue = cpu.cores > 0 ? min(1_000, 1_000 * Double(max(0, cpu.runQueue - cpu.cores)) / Double(cpu.cores)) : 0
        let stall = cpu.stallPermille >= 0 ? Double(cpu.stallPermille) : queue
        return max(stall, Double(cpu.stealPermille), Double(max(cpu.memoryStallPermille, 0)))
    }

    mutating func observe(_ cpu: CPUPressure, atNs: UInt64) {
        latest = cpu
        pressure = 0.6 * pressure + 0.4 * Self.pressure(of: cpu)
        normal.learn(pressure, atNs: atNs)
    }

    /// Newly contended: well above its own normal (or, before that is
    /// learned, saturated outright).
    func contended(rise: Double) -> Bool {
        guard let normal = normal.value else { return false }
        return pressure >= normal + rise
    }

    /// "stall 62% (normal 8%), run queue 9 on 2 cores, steal 0%"
    var description: String {
        let normalText = normal.value.map { " (normal \(Int($0 / 10))%)" } ?? ""
        return "CPU stall \(Int(pressure / 10))%\(normalText), run queue \(latest.runQueue) on \(latest.cores) cores, "
            + "steal \(latest.stealPermille / 10)%, iowait \(latest.iowaitPermille / 10)%"
    }
}
