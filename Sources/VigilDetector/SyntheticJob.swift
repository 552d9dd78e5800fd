import VigilCore

/// A deterministic data-parallel job for detector tests and benchmarks:
/// `ranks` ranks, `ranksPerNode` to a node; every step each rank computes
/// for about 90% of `stepNs` (plus a little per-step jitter), then one
/// allreduce on the world communicator (id 1) costing the other 10%, and a
/// ring halo exchange with the next rank. What the server would hear at any
/// time, with at most one injected fault.
public struct SyntheticJob: Sendable {
    public enum Fault: Sendable, Equatable {
        /// The rank stops (SIGSTOP) before its next collective.
        case hang(rank: Int)
        /// The rank dies (SIGKILL) before its next collective.
        case crash(rank: Int)
        /// The node's agent and ranks go silent.
        case nodeDown(node: Int)
        /// Every rank enters the next collective and none leaves.
        case communicationHang
        /// The rank computes `factor` times slower.
        case straggler(rank: Int, factor: Double)
        /// The node's link carries 1/`factor` of its bandwidth.
        case slowLink(node: Int, factor: Double)

        /// Faults that stop the job rather than slow it.
        var stops: Bool {
            switch self {
            case .straggler, .slowLink: false
            default: true
            }
        }
    }

    public let job: String
    public let ranks: Int
    public let ranksPerNode: Int
    public let stepNs: UInt64
    public let startNs: UInt64
    public let fault: Fault?
    public let faultAtNs: UInt64
    /// How long each step takes once a slowing fault is in.
    private var slowStepNs: UInt64 = 0

    public init(job: String = "synthetic", ranks: Int, ranksPerNode: Int, stepNs: UInt64,
                startNs: UInt64 = 1_800_000_000_000_000_000, fault: Fault? = nil, faultAfterNs: UInt64 = 0) {
        self.job = job
        self.ranks = ranks
        self.ranksPerNode = ranksPerNode
        self.stepNs = stepNs
        self.startNs = startNs
        self.fault = fault
        self.faultAtNs = startNs + faultAfterNs
        slowStepNs = fault?.stops == false ? length(of: faultStep) : stepNs
    }

    public func node(of rank: Int) -> String { "node\(rank / ranksPerNode)" }
    public var nodes: [String] { (0..<((ranks + ranksPerNode - 1) / ranksPerNode)).map { "node\($0)" } }
    private var computeNs: UInt64 { stepNs * 9 / 10 }
    private var allreduceNs: UInt64 { stepNs - computeNs }

    /// The first step that starts at or after the fault.
    var faultStep: UInt64 { (faultAtNs - startNs + stepNs - 1) / stepNs }

    func faulted(step: UInt64) -> Fault? { fault != nil && step >= faultStep ? fault : nil }

    /// How long `rank` computes in `step`: < 2% jitter per (rank, step), a straggler slower.
    func compute(rank: Int, step: UInt64) -> UInt64 {
        var mix = UInt64(truncatingIfNeeded: rank) &* 0x9E37_79B9_7F4A_7C15 ^ step &* 0xC2B2_AE3D_27D4_EB4F
        mix ^= mix >> 29
        let base = computeNs + (mix % 200) * stepNs / 10_000
        if case .straggler(let culprit, let factor) = faulted(step: step), culprit == rank { return UInt64(Double(base) * factor) }
        return base
    }

    func allreduceCost(step: UInt64) -> UInt64 {
        if case .slowLink(_, let factor) = faulted(step: step) { return UInt64(Double(allreduceNs) * factor) }
        return allreduceNs
    }

    /// The slowest rank's compute plus the allreduce.
    private func length(of step: UInt64) -> UInt64 {
        guard faulted(step: step) != nil else { return stepNs }
        return (0..<ranks).map { compute(rank: $0, step: step) }.max()! + allreduceCost(step: step)
    }

    /// When a step starts: steps before the fault are `stepNs` long, the
    /// slowed ones all as long as the first of them.
    func start(of step: UInt64) -> UInt64 {
        guard fault.map({ !$0.stops }) == true, step > faultStep else { return startNs + step * stepNs }
        return startNs + faultStep * stepNs + (step - faultStep) * slowStepNs
    }

    /// The step running at `atNs`.
    func stepRunning(at atNs: UInt64) -> UInt64 {
        guard fault.map({ !$0.stops }) == true, atNs >= start(of: faultStep) else { return (atNs - startNs) / stepNs }
        return faultStep + (atNs - start(of: faultStep)) / slowStepNs
    }
}
