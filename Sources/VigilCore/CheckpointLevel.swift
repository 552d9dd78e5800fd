/// Where a checkpoint's shards are kept, fastest to restore from first.
public enum CheckpointLevel: UInt8, Sendable, Codable, CaseIterable, Comparable {
    /// The node's own directory: written by the rank itself.
    case local = 1
    /// Another node's directory (its buddy's): sent there by the node's
    /// agent, so the checkpoint survives the loss of this node.
    case buddy = 2
    /// The persistent directory every node shares: copied there by the node's agent.
    case shared = 3

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    /// "level 1 (local)", as the docs and the log say it.
    public var name: String {
        switch self {
        case .local: "level 1 (local)"
        case .buddy: "the buddy level"
        case .shared: "level 2 (shared)"
        }
    }

    /// "level 1", "buddy", "level 2": a table's column.
    public var shortName: String {
        switch self {
        case .local: "level 1"
        case .buddy: "buddy"
        case .shared: "level 2"
        }
    }

    /// Whether each node keeps its own part of the level (and its own copy
    /// of the manifest), rather than one directory every node shares.
    public var isPerNode: Bool { self != .shared }
}
