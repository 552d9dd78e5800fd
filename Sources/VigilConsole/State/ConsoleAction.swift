/// Something the console does to the cluster: asked for, confirmed, then
/// performed by the app through the server's API (which records it).
public enum ConsoleAction: Sendable, Equatable {
    case cordon([String])
    case uncordon([String])
    /// Carry out a recovery plan awaiting approval (its id, its job).
    case approve(Int64, job: String)

    /// "Cordon node2, node3? Launches keep off them."
    public var question: String {
        switch self {
        case .cordon(let nodes): "Cordon \(Self.list(nodes))? Launches will keep off \(nodes.count == 1 ? "it" : "them")."
        case .uncordon(let nodes): "Uncordon \(Self.list(nodes))? Launches may choose \(nodes.count == 1 ? "it" : "them") again."
        case .approve(let id, let job): "Approve recovery \(id)? \(job) is stopped and restarted as planned."
        }
    }

    /// The nodes it changes: none for an approval (its plan says).
    public var nodes: [String] {
        switch self {
        case .cordon(let nodes), .uncordon(let nodes): nodes
        case .approve: []
        }
    }

    /// What it acts on, as the messages name it.
    public var subject: String {
        switch self {
        case .cordon(let nodes), .uncordon(let nodes): Self.list(nodes)
        case .approve(let id, let job): "recovery \(id) of \(job)"
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
        case .approve: "approve"
        }
    }

    /// "cordoning", "approving".
    public var gerund: String { verb.hasSuffix("e") ? verb.dropLast() + "ing" : verb + "ing" }

    /// "cordoned", "approved".
    public var pastTense: String { verb.hasSuffix("e") ? verb + "d" : verb + "ed" }

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
