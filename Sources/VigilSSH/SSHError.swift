/// Why a host could not be reached or a command not run: each case names
/// the host and says what the operator can do about it.
public enum SSHError: Error, Equatable, CustomStringConvertible {
    case invalidHost(String, reason: String)
    case connect(host: String, reason: String)
    case unknownHostKey(host: String, fingerprint: String)
    case changedHostKey(host: String, fingerprint: String)
    case hostKeyCheck(host: String, reason: String)
    case authentication(host: String, reason: String)
    case channel(host: String, reason: String)
    case timeout(host: String, after: Duration, what: String)
    case sftp(host: String, path: String, reason: String)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .invalidHost(let host, let reason): "invalid host '\(host)': \(reason)"
        case .connect(let host, let reason): "\(host): cannot connect: \(reason)"
        case .unknownHostKey(let host, let fingerprint):
            "\(host): host key \(fingerprint) is not in known_hosts (add it, or allow --host-key-policy accept-new)"
        case .changedHostKey(let host, let fingerprint):
            "\(host): HOST KEY CHANGED to \(fingerprint): refused (someone may be intercepting; if the host was reinstalled, remove its old line from known_hosts)"
        case .hostKeyCheck(let host, let reason): "\(host): cannot check the host key: \(reason)"
        case .authentication(let host, let reason): "\(host): authentication failed: \(reason)"
        case .channel(let host, let reason): "\(host): \(reason)"
        case .timeout(let host, let after, let what): "\(host): \(what) timed out after \(after)"
        case .sftp(let host, let path, let reason): "\(host): cannot copy to \(path): \(reason)"
        case .invalidArgument(let reason): reason
        }
    }
}
