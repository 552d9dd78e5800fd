import VigilCore

/// Who waits on whom in one job, from what each rank is blocked in: a rank
/// inside collective #N waits on the members that have not entered it (or
/// are stopped), a rank in a point-to-point call on its peers. Following
/// the edges to their ends finds the ranks to blame; the ranks on the way
/// are their victims, never culprits.
struct WaitGraph {
    /// Why a rank waits on no other rank.
    enum End: Int, Comparable {
        /// Stopped by a signal, or ended: it will not come.
        case stopped = 0
        /// Running outside any blocking call: busy (or stuck) computing.
        case computing = 1
        /// Inside a collective every member entered: waiting on the network.
        case network = 2
        /// A receive from MPI_ANY_SOURCE, or a rank the detector does not see.
        case unknown = 3

        static func < (a: End, b: End) -> Bool { a.rawValue < b.rawValue }
    }

    /// Where the chains from some ranks end: the ranks to blame and why; a
    /// chain that loops (ranks blocked on each other) ends at the loop.
    struct Ends: Hashable {
        var ranks: [Int]
        var why: End
        var cyclic: Bool
    }

    private var edges: [Int: [Int]] = [:]
    private var ends: [Int: End] = [:]

    init(ranks: [Int: Detector.Observed], members: [UInt64: [Detector.Observed]]) {
        var behind: [Instance: [Int]] = [:]   // every waiter of one instance waits on the same members
        for (rank, seen) in ranks {
            let s = seen.snapshot
            guard s.status == .running else {
                ends[rank] = .stopped
                continue
            }
            guard let call = s.blocked else {
                ends[rank] = .computing
                continue
            }
            if call.op.waitsOnPeers {
                let peers = call.peers.filter { $0 != rank }
                if peers.isEmpty { ends[rank] = .unknown } else { edges[rank] = peers }
                continue
            }
            let key = Instance(communicator: call.communicator, seq: call.seq)
            if behind[key] == nil { behind[key] = Self.behind(in: members[call.communicator] ?? [], instance: key) }
            let others = behind[key]!.filter { $0 != rank }
            if others.isEmpty { ends[rank] = .network } else { edges[rank] = others }
        }
    }

    private struct Instance: Hashable {
        var communicator: UInt64
        var seq: UInt64
    }

    /// The members that have not entered the instance, or are stopped.
    private static func behind(in members: [Detector.Observed], instance: Instance) -> [Int] {
        members.filter { other in
            let entered = other.snapshot.progress.first { $0.communicator == instance.communicator }?.lastSeqEntered ?? 0
            return entered < instance.seq || other.snapshot.status == .stopped
        }.map(\.snapshot.identity.rank)
    }

    /// The ends of every chain from `starts`, the most telling kind only:
    /// stopped ranks before computing ones before the network.
    func ends(from starts: [Int]) -> Ends {
        var seen = Set<Int>(), stack = starts
        var found: [Int: End] = [:]
        while let rank = stack.popLast() {
            guard seen.insert(rank).inserted else { continue }
            if let next = edges[rank] { stack += next } else { found[rank] = ends[rank] ?? .unknown }
        }
        guard let why = found.values.min() else {
            return Ends(ranks: seen.sorted(), why: .network, cyclic: true)
        }
        return Ends(ranks: found.filter { $0.value == why }.keys.sorted(), why: why, cyclic: false)
    }

    /// The ranks blocked on `culprits`, directly or along a chain (not the culprits themselves).
    func victims(of culprits: Set<Int>) -> [Int] {
        edges.keys.filter { !culprits.contains($0) && !Set(ends(from: [$0]).ranks).isDisjoint(with: culprits) }.sorted()
    }
}
