import VigilCore

/// A deterministic data-parallel job for detector tests and benchmarks:
/// `ranks` ranks, `ranksPerNode` to a node, each step computing for 90% of
/// `stepNs` then one allreduce on the world communicator (id 1). What the
/// server would hear at any time, with at most one injected fault.
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
    }

    public let job: String
    public let ranks: Int
    public let ranksPerNode: Int
    public let stepNs: UInt64
    public let startNs: UInt64

    public init(job: String = "synthetic", ranks: Int, ranksPerNode: Int, stepNs: UInt64,
                startNs: UInt64 = 1_800_000_000_000_000_000) {
        self.job = job
        self.ranks = ranks
        self.ranksPerNode = ranksPerNode
        self.stepNs = stepNs
        self.startNs = startNs
    }

    public func node(of rank: Int) -> String { "node\(rank / ranksPerNode)" }
    public var nodes: [String] { (0..<((ranks + ranksPerNode - 1) / ranksPerNode)).map { "node\($0)" } }

    /// What reaches the server by `atNs` with `fault` from `faultAtNs`: the
    /// rank snapshots and heartbeats sent at `atNs` (silent nodes send none).
    public func observe(atNs: UInt64, fault: Fault?, faultAtNs: UInt64) -> (snapshots: [(RankSnapshot, String)], heartbeats: [String]) {
        let faulted = fault != nil && atNs >= faultAtNs
        var snapshots: [(RankSnapshot, String)] = []
        for rank in 0..<ranks {
            let node = node(of: rank)
            if faulted, case .nodeDown(let down) = fault, node == "node\(down)" { continue }
            snapshots.append((snapshot(rank: rank, atNs: atNs, fault: faulted ? fault : nil, faultAtNs: faultAtNs), node))
        }
        let silent: String? = faulted ? { if case .nodeDown(let n) = fault { return "node\(n)" }; return nil }() : nil
        return (snapshots, nodes.filter { $0 != silent })
    }

    /// Where a rank is at `atNs`: in compute, or waiting in the allreduce
    /// after its last completed step (forever, once a fault stops the job).
    private func snapshot(rank: Int, atNs: UInt64, fault: Fault?, faultAtNs: UInt64) -> RankSnapshot {
        let jitter = UInt64((rank &* 7_919) % 97) * stepNs / 10_000   // < 1% of a step, fixed per rank
        let elapsed = atNs - startNs
        // A fault freezes the job in the step it interrupts.
        let done = fault == nil ? elapsed / stepNs : (faultAtNs - startNs) / stepNs
        var waiting = fault == nil ? elapsed % stepNs >= stepNs * 9 / 10 + jitter : true
        var status = RankStatus.running
        switch fault {
        case .hang(let culprit) where culprit == rank: waiting = false
        case .crash(let culprit) where culprit == rank: (waiting, status) = (false, .died)
        default: break
        }
        let entered = waiting ? done + 1 : done
        let blocked = waiting ? BlockedCall(op: .allreduce, communicator: 1, seq: done + 1,
                                            sinceNs: startNs + done * stepNs + stepNs * 9 / 10 + jitter) : nil
        return RankSnapshot(
            identity: RankIdentity(job: job, rank: rank, worldSize: ranks, pid: Int32(10_000 + rank), host: node(of: rank)),
            status: status, exitStatus: nil, counters: RingCounters(consumed: entered), blocked: blocked,
            progress: [.init(communicator: 1, size: UInt32(ranks), lastSeqEntered: entered, lastSeqLeft: done)])
    }
}
