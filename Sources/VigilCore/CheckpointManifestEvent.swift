/// What an agent reports of a level's manifest the server asked about:
/// written where asked (the checkpoint complete there), every shard it
/// lists re-read and found intact (the scrub of level 2), the level removed
/// by retention (manifest first, then the shards), or why not.
public struct CheckpointManifestEvent: Sendable, Equatable, Codable {
    public enum Outcome: UInt8, Sendable, Codable {
        case failed = 0
        case written = 1
        case removed = 2
        case verified = 3
    }

    public var job: String
    public var step: Int64
    public var level: CheckpointLevel
    public var root: String
    public var outcome: Outcome
    public var detail: String
    public var atNs: UInt64

    public init(job: String, step: Int64, level: CheckpointLevel, root: String, outcome: Outcome, detail: String = "",
                atNs: UInt64) {
        self.job = job
        self.step = step
        self.level = level
        self.root = root
        self.outcome = outcome
        self.detail = detail
        self.atNs = atNs
    }
}
