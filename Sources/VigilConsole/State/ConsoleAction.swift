/// Something the console does to the cluster: asked for, confirmed, then
/// performed by the app through the server's API (which records it).
public enum ConsoleAction: Sendable, Equatable {
    case cordon([String])
    case uncordon([String])

    /// "Cordon node2, node3? Launches keep off them."
    public var question: String {
        switch self {
        case .cordon(let nodes): "Cordon \(Self.list(nodes))? Launches will keep off \(nodes.count == 1 ? "it" : "them")."
        case .uncordon(let nodes): "Uncordon \(Self.list(nodes))? Launches may choose \(nodes.count == 1 ? "it" : "them") again."
        }
    }

    public var nodes: [String] {
        switch self {
        case .cordon(let nodes), .uncordon(let nodes): nodes
        }
    }

    /// Whether the nodes are to be cordoned (else uncordoned).
    public var cordons: Bool {
        if case .cordon = self { return true }
        return false
    }

    public var verb: String {
        switch self {
        case .cordon: "cordon"
        case .uncordon: "uncordon"
        }
    }

    static func list(_ nodes: [String]) -> String {
        nodes.count <= 4 ? nodes.joined(separator: ", ") : nodes.prefix(3).joined(separator: ", ") + " and \(nodes.count - 3) more"
    }
}

/// What handling a key asks of the app around the state machine.
public enum ConsoleEffect: Sendable, Equatable {
    case quit
    case perform(ConsoleAction)
    /// Fetch now rather than at the next refresh.
    case refresh
}
