import CLibSSH
#if canImport(Glibc)
import Glibc
#endif

/// A connected, verified and authenticated ssh session (libssh). libssh
/// blocks, so a session lives on one thread at a time: `SSHFanOut` gives
/// each its own. Closed when released.
public final class SSHSession {
    public let target: SSHTarget
    let handle: OpaquePointer
    /// The host as the config resolved it (HostName), for messages.
    public let resolvedHost: String

    /// Connect, check the host key against known_hosts under the target's
    /// policy, and log in with ssh-agent, the identity file or the config's keys.
    public init(_ target: SSHTarget) throws(SSHError) {
        try HostName.validate(target.host)
        _ = Self.libraryReady
        SSHLog.attach()
        guard let handle = ssh_new() else { throw .connect(host: target.host, reason: "libssh: out of memory") }
        do {
            try Self.configure(handle, target)
        } catch {
            ssh_free(handle)
            throw error
        }
        self.target = target
        self.handle = handle
        resolvedHost = Self.string(handle, SSH_OPTIONS_HOST) ?? target.host
        // Fully initialized from here: a throw below runs deinit, which frees the session.
        guard ssh_connect(handle) == SSH_OK else { throw .connect(host: target.host, reason: lastError) }
        try verifyHostKey()
        try authenticate()
    }

    deinit {
        ssh_disconnect(handle)
        ssh_free(handle)
    }

    var lastError: String { String(cString: ssh_get_error(UnsafeMutableRawPointer(handle))) }

    /// libssh's threading and crypto set up once per process.
    private static let libraryReady: Bool = { ssh_init() == SSH_OK }()

    /// The target's own settings win over the config file's, as on OpenSSH's command line.
    private static func configure(_ handle: OpaquePointer, _ target: SSHTarget) throws(SSHError) {
        func set(_ option: ssh_options_e, _ value: UnsafeRawPointer, _ name: String) throws(SSHError) {
            guard ssh_options_set(handle, option, value) == SSH_OK else {
                throw .connect(host: target.host, reason: "cannot set \(name)")
            }
        }
        try set(SSH_OPTIONS_HOST, target.host, "host")
        var noAutomaticConfig: Int32 = 0
        try set(SSH_OPTIONS_PROCESS_CONFIG, &noAutomaticConfig, "config processing")
        if let configFile = target.configFile {
            guard ssh_options_parse_config(handle, configFile) == SSH_OK else {
                throw .connect(host: target.host, reason: "cannot read ssh config \(configFile)")
            }
        } else {
            _ = ssh_options_parse_config(handle, nil)  // ~/.ssh/config, when there is one
        }
        var verbosity = SSHLog.verbosity  // over the config's LogLevel: libssh would print to stderr
        try set(SSH_OPTIONS_LOG_VERBOSITY, &verbosity, "log verbosity")
        if let port = target.port {
            var value = Int32(port)
            try set(SSH_OPTIONS_PORT, &value, "port")
        }
        if let user = target.user { try set(SSH_OPTIONS_USER, user, "user") }
        if let knownHosts = target.knownHostsFile { try set(SSH_OPTIONS_KNOWNHOSTS, knownHosts, "known_hosts") }
        var seconds = Int(target.connectTimeout.components.seconds.clamped(to: 1...3_600))
        try set(SSH_OPTIONS_TIMEOUT, &seconds, "timeout")
        var noDelay: Int32 = 1
        try set(SSH_OPTIONS_NODELAY, &noDelay, "nodelay")
    }

    private static func string(_ handle: OpaquePointer, _ option: ssh_options_e) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard ssh_options_get(handle, option, &value) == SSH_OK, let value else { return nil }
        defer { ssh_string_free_char(value) }
        return String(cString: value)
    }

    private func verifyHostKey() throws(SSHError) {
        let fingerprint = serverFingerprint()
        switch ssh_session_is_known_server(handle) {
        case SSH_KNOWN_HOSTS_OK:
            return
        case SSH_KNOWN_HOSTS_CHANGED, SSH_KNOWN_HOSTS_OTHER:
            throw .changedHostKey(host: target.host, fingerprint: fingerprint)
        case SSH_KNOWN_HOSTS_UNKNOWN, SSH_KNOWN_HOSTS_NOT_FOUND:
            guard target.hostKeyPolicy == .acceptNew else {
                throw .unknownHostKey(host: target.host, fingerprint: fingerprint)
            }
            guard ssh_session_update_known_hosts(handle) == SSH_OK else {
                throw .hostKeyCheck(host: target.host, reason: "cannot record the new key: \(lastError)")
            }
        default:
            throw .hostKeyCheck(host: target.host, reason: lastError)
        }
    }

    /// "SHA256:…", as OpenSSH prints it.
    private func serverFingerprint() -> String {
        var key: ssh_key?
        guard ssh_get_server_publickey(handle, &key) == SSH_OK, let key else { return "(unknown)" }
        defer { ssh_key_free(key) }
        var hash: UnsafeMutablePointer<UInt8>?
        var length = 0
        guard ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &length) == SSH_OK, let bytes = hash else {
            return "(unknown)"
        }
        defer { ssh_clean_pubkey_hash(&hash) }
        guard let text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, bytes, length) else { return "(unknown)" }
        defer { ssh_string_free_char(text) }
        return String(cString: text)
    }

    private func authenticate() throws(SSHError) {
        if let identityFile = target.identityFile {
            var key: ssh_key?
            guard ssh_pki_import_privkey_file(identityFile, nil, nil, nil, &key) == SSH_OK, let key else {
                throw .authentication(host: target.host, reason: "cannot read private key \(identityFile)")
            }
            defer { ssh_key_free(key) }
            guard ssh_userauth_publickey(handle, nil, key) == SSH_AUTH_SUCCESS.rawValue else {
                throw .authentication(host: target.host, reason: "key \(identityFile) refused: \(lastError)")
            }
            return
        }
        // ssh-agent first, then the identities from the config and ~/.ssh.
        guard ssh_userauth_publickey_auto(handle, nil, nil) == SSH_AUTH_SUCCESS.rawValue else {
            throw .authentication(host: target.host, reason: "no key was accepted (ssh-agent, IdentityFile, ~/.ssh/id_*): \(lastError)")
        }
    }
}

extension Int64 {
    func clamped(to range: ClosedRange<Int64>) -> Int64 { Swift.min(Swift.max(self, range.lowerBound), range.upperBound) }
}
