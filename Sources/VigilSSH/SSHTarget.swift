/// One host to reach over ssh, and how. Anything left nil comes from the
/// ssh config (`configFile`, else ~/.ssh/config) and libssh's defaults, as
/// with OpenSSH: user, port, identity files, known_hosts.
public struct SSHTarget: Sendable, Equatable {
    public var host: String
    public var port: Int?
    public var user: String?
    /// An ssh_config file to read instead of ~/.ssh/config.
    public var configFile: String?
    public var knownHostsFile: String?
    /// A private key to log in with; otherwise ssh-agent, then the config's
    /// and the default identities.
    public var identityFile: String?
    public var hostKeyPolicy: HostKeyPolicy
    public var connectTimeout: Duration

    public init(host: String, port: Int? = nil, user: String? = nil, configFile: String? = nil,
                knownHostsFile: String? = nil, identityFile: String? = nil, hostKeyPolicy: HostKeyPolicy = .strict,
                connectTimeout: Duration = .seconds(10)) {
        self.host = host
        self.port = port
        self.user = user
        self.configFile = configFile
        self.knownHostsFile = knownHostsFile
        self.identityFile = identityFile
        self.hostKeyPolicy = hostKeyPolicy
        self.connectTimeout = connectTimeout
    }
}

/// What to do with a host key that is not in known_hosts. A key that
/// differs from the one recorded is refused under every policy.
public enum HostKeyPolicy: String, Sendable, CaseIterable {
    /// Only hosts already in known_hosts (OpenSSH `StrictHostKeyChecking=yes`).
    case strict
    /// Record an unknown host's key and go on (`StrictHostKeyChecking=accept-new`).
    case acceptNew = "accept-new"
}
