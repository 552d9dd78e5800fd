/// Why an NCCL Inspector record is not a collective Vigil can use.
enum InspectorError: Error, Equatable, CustomStringConvertible {
    case unknownCollective(String)
    case badCommunicator(String)
    case badRank(Int, Int)
    case badTime

    var description: String {
        switch self {
        case .unknownCollective(let name): "unknown collective '\(name.prefix(40))'"
        case .badCommunicator(let id): "communicator id '\(id.prefix(40))' is not a hex hash"
        case .badRank(let rank, let size): "rank \(rank) outside a communicator of \(size)"
        case .badTime: "a time past any clock (microseconds beyond 2^63 ns)"
        }
    }
}
