/// Every rank of one job, grouped by node, in columns: the console's heat
/// map. Columns keep the answer small at 8,192 ranks (a few bytes a rank).
public struct RankMap: Sendable, Equatable, Codable {
    public struct Entry: Sendable, Equatable {
        public var rank: Int
        public var node: Int
        public var status: RankStatus
        /// Time inside the collective it is blocked in now; 0 when not blocked.
        public var blockedMs: UInt64
        /// Its compute between collectives against the job's median, in percent; 0 when unknown.
        public var gapPercent: Int

        public init(rank: Int, node: Int, status: RankStatus, blockedMs: UInt64, gapPercent: Int) {
            self.rank = rank
            self.node = node
            self.status = status
            self.blockedMs = blockedMs
            self.gapPercent = gapPercent
        }
    }

    public var job: String
    public var takenNs: UInt64
    /// Node names, sorted; entries refer to them by index.
    public var nodes: [String]
    public var ranks: [Int]
    public var node: [Int]
    /// One letter per entry: R running, S stopped, F finished, D died.
    public var states: String
    public var blockedMs: [UInt64]
    public var gapPercent: [Int]

    public init(job: String, takenNs: UInt64, nodes: [String], entries: [Entry]) {
        self.job = job
        self.takenNs = takenNs
        self.nodes = nodes
        ranks = entries.map(\.rank)
        node = entries.map(\.node)
        states = String(entries.map { Self.letter($0.status) })
        blockedMs = entries.map(\.blockedMs)
        gapPercent = entries.map(\.gapPercent)
    }

    public static let empty = RankMap(job: "", takenNs: 0, nodes: [], entries: [])

    public var count: Int { ranks.count }

    /// The entries, once the columns are known to agree (see `validate`).
    public var entries: [Entry] {
        let letters = Array(states.utf8)
        return ranks.indices.map { i in
            Entry(rank: ranks[i], node: node[i], status: Self.status(letters[i]) ?? .running, blockedMs: blockedMs[i],
                  gapPercent: gapPercent[i])
        }
    }

    /// Columns of one length, node indexes in range, known letters: what a
    /// console checks before it draws an answer from the network.
    public func validate() throws(RankMapError) {
        let n = ranks.count
        guard node.count == n, states.utf8.count == n, blockedMs.count == n, gapPercent.count == n else {
            throw .columnsDisagree
        }
        guard node.allSatisfy({ nodes.indices.contains($0) }) else { throw .nodeOutOfRange }
        guard states.utf8.allSatisfy({ Self.status($0) != nil }) else { throw .unknownState }
    }

    static func letter(_ status: RankStatus) -> Character {
        switch status {
        case .running: "R"
        case .stopped: "S"
        case .finished: "F"
        case .died: "D"
        }
    }

    static func status(_ letter: UInt8) -> RankStatus? {
        switch letter {
        case UInt8(ascii: "R"): .running
        case UInt8(ascii: "S"): .stopped
        case UInt8(ascii: "F"): .finished
        case UInt8(ascii: "D"): .died
        default: nil
        }
    }
}

public enum RankMapError: Error, Equatable, CustomStringConvertible {
    case columnsDisagree, nodeOutOfRange, unknownState

    public var description: String {
        switch self {
        case .columnsDisagree: "rank map columns differ in length"
        case .nodeOutOfRange: "rank map names a node it does not list"
        case .unknownState: "rank map has an unknown state letter"
        }
    }
}
