import VigilCore

/// Which of a node's network interfaces went down after having been up, as
/// its heartbeats report them: a node still heard with its data link down
/// is a cut link, not a dead node.
struct NICStates: Sendable {
    private var everUp: Set<String> = []
    private(set) var down: [String] = []

    mutating func observe(_ nics: [NodeHealth.NIC]) {
        for nic in nics where nic.up { everUp.insert(nic.name) }
        down = nics.filter { !$0.up && everUp.contains($0.name) }.map(\.name).sorted()
    }
}

extension Detector {
    /// Of a hung communicator's nodes, the ones to suspect: those gone
    /// silent (the node, or its only path), else those still heard with a
    /// link down (the link), else all of them.
    func hangSuspects(among nodes: Set<String>, nowNs: UInt64) -> (nodes: [String], note: String, confidence: Double) {
        let silent = nodes.filter { nowNs - min(nowNs, heartbeat(of: $0) ?? 0) > configuration.heartbeatTimeoutNs }
        if !silent.isEmpty, silent.count < nodes.count {
            return (silent.sorted(), "; silent: \(silent.sorted().joined(separator: ","))", 0.8)
        }
        let cut = nodes.filter { !(observed.nics[$0]?.down.isEmpty ?? true) }.sorted()
        if !cut.isEmpty, cut.count < nodes.count {
            let which = cut.prefix(4).map { "\($0): \(observed.nics[$0]!.down.joined(separator: ",")) down" }.joined(separator: "; ")
            return (cut, "; \(which), its agent still reporting: a cut link, not a dead node", 0.9 / Double(cut.count))
        }
        return (nodes.sorted(), silent.isEmpty ? "" : "; silent: \(silent.sorted().joined(separator: ","))", 1 / Double(max(nodes.count, 1)))
    }
}
