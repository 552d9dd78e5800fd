/// Why a request to the server's API failed, said so an operator knows what to check.
public enum APIClientError: Error, CustomStringConvertible, Equatable {
    case badAddress(String)
    case unreachable(String, String)
    case timedOut(String, Duration)
    case refused(UInt, String)
    /// The answer was not what this version of vigil understands.
    case malformed(String, String)

    public var description: String {
        switch self {
        case .badAddress(let text): "expected HOST:PORT, got '\(text)'"
        case .unreachable(let address, let why): "no server API at \(address): \(why) (is `vigil server` running there?)"
        case .timedOut(let address, let after): "the server API at \(address) did not answer within \(after)"
        case .refused(let code, let message): "server answered \(code): \(message)"
        case .malformed(let path, let why): "the server's answer to \(path) is not understood: \(why)"
        }
    }
}
