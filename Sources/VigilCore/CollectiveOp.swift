/// What a telemetry record describes. Raw values are the ring ABI
/// (`enum vigil_op` in agents/ring/include/vigil_ring.h).
public enum CollectiveOp: UInt16, Sendable, CaseIterable {
    case allreduce = 1
    case reduce = 2
    case bcast = 3
    case barrier = 4
    case allgather = 5
    case allgatherv = 6
    case reduceScatter = 7
    case reduceScatterBlock = 8
    case alltoall = 9
    case alltoallv = 10
    case gather = 11
    case scatter = 12
    case iallreduce = 13
    case ibcast = 14
    case iallgather = 15
    case p2pSend = 32
    case p2pRecv = 33
    /// In a rank's in-flight slot only (never a record): blocked in
    /// MPI_Sendrecv, or in a Wait on point-to-point requests.
    case p2pSendrecv = 34
    case p2pWait = 35

    /// The lower-case MPI name without prefix, as reports print it.
    public var name: String {
        switch self {
        case .allreduce: "allreduce"
        case .reduce: "reduce"
        case .bcast: "bcast"
        case .barrier: "barrier"
        case .allgather: "allgather"
        case .allgatherv: "allgatherv"
        case .reduceScatter: "reduce_scatter"
        case .reduceScatterBlock: "reduce_scatter_block"
        case .alltoall: "alltoall"
        case .alltoallv: "alltoallv"
        case .gather: "gather"
        case .scatter: "scatter"
        case .iallreduce: "iallreduce"
        case .ibcast: "ibcast"
        case .iallgather: "iallgather"
        case .p2pSend: "send"
        case .p2pRecv: "recv"
        case .p2pSendrecv: "sendrecv"
        case .p2pWait: "wait"
        }
    }

    public init?(name: String) {
        guard let op = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = op
    }

    /// Point-to-point window aggregates are not collective instances.
    public var isPointToPoint: Bool { self == .p2pSend || self == .p2pRecv }

    /// What a blocked point-to-point call shows; no record carries these.
    public var isBlockedOnly: Bool { self == .p2pSendrecv || self == .p2pWait }

    /// A blocking call on peers rather than on a collective instance.
    public var waitsOnPeers: Bool { isPointToPoint || isBlockedOnly }
}

/// Encoded by name ("allreduce"), so dumps read well and survive renumbering.
extension CollectiveOp: Codable {
    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let op = CollectiveOp(name: name) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown op \(name)"))
        }
        self = op
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}
