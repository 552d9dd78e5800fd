/// How hard a node's CPUs are contended, since the previous heartbeat:
/// what the detector checks before it blames the network for a slowdown.
/// Shares of wall time in ‰; a pressure of −1 is unknown (no PSI).
public struct CPUPressure: Sendable, Equatable, Codable {
    /// Online CPUs.
    public var cores: Int
    /// Runnable threads when sampled (procs_running, the sampler included).
    public var runQueue: Int
    public var iowaitPermille: Int
    /// Time a virtual machine's CPUs were runnable but the hypervisor ran others.
    public var stealPermille: Int
    /// Pressure stall: some runnable task waited for a CPU (PSI cpu "some")…
    public var stallPermille: Int
    /// …or for memory (PSI memory "some": reclaim, swap-in, thrashing).
    public var memoryStallPermille: Int

    public init(cores: Int = 0, runQueue: Int = 0, iowaitPermille: Int = 0, stealPermille: Int = 0,
                stallPermille: Int = -1, memoryStallPermille: Int = -1) {
        self.cores = cores
        self.runQueue = runQueue
        self.iowaitPermille = iowaitPermille
        self.stealPermille = stealPermille
        self.stallPermille = stallPermille
        self.memoryStallPermille = memoryStallPermille
    }
}
