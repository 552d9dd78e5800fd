/// Where a checkpoint's shards are kept, fastest to restore from first.
public enum CheckpointLevel: UInt8, Sendable, Codable, CaseIterable, Comparable {
    /// The node's own directory: written by the rank itself.
    case local = 1
    /// The persistent directory every node shares: copied there by the node's agent.
    case shared = 3

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    /// "level 1", as the docs and the log say it.
    public var name: String { self == .local ? "level 1 (local)" : "level 2 (shared)" }
}
