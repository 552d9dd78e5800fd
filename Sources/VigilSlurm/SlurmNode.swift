/// A node as Slurm reports it (`sinfo -N`): what the nodes view shows and
/// what uncordon checks before resuming.
public struct SlurmNode: Sendable, Equatable {
    public var name: String
    /// Slurm's long state, lower case, without its flags: idle, allocated,
    /// mixed, drained, draining, down, ...
    public var state: String
    /// Not responding to the controller (`*` after the state).
    public var notResponding: Bool
    /// Why it is drained or down; "" when none.
    public var reason: String

    public init(name: String, state: String, notResponding: Bool = false, reason: String = "") {
        self.name = name
        self.state = state
        self.notResponding = notResponding
        self.reason = reason
    }

    public var isDrained: Bool { state.hasPrefix("drain") }
    public var isDown: Bool { state.hasPrefix("down") || notResponding }
    /// Drained by Vigil: its reason is Vigil's.
    public var vigilDrain: SlurmDrainReason? { isDrained ? SlurmDrainReason(parsing: reason) : nil }

    /// The sinfo format these lines are read with: name, long state, reason, `|` apart.
    public static let sinfoFormat = "%N|%T|%E"

    /// One line of `sinfo -h -N -o '%N|%T|%E'`; nil for anything else.
    public init?(sinfoLine line: Substring) {
        let fields = line.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count == 3, !fields[0].isEmpty, !fields[1].isEmpty else { return nil }
        var state = fields[1].lowercased()
        let flags: Set<Character> = ["*", "~", "#", "!", "%", "$", "@", "^", "-"]
        notResponding = state.last == "*"
        while let last = state.last, flags.contains(last) { state.removeLast() }
        (name, self.state) = (String(fields[0]), state)
        reason = fields[2] == "none" ? "" : String(fields[2])
    }

    /// Every node of `sinfo` output (a node in several partitions once).
    public static func parse(sinfo output: String) throws(SlurmError) -> [SlurmNode] {
        var nodes: [SlurmNode] = []
        for line in output.split(separator: "\n") where !line.isEmpty {
            guard let node = SlurmNode(sinfoLine: line) else { throw .unreadable(command: "sinfo", output: String(line)) }
            if !nodes.contains(where: { $0.name == node.name }) { nodes.append(node) }
        }
        return nodes
    }
}
