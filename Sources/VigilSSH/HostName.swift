/// Host names as an operator writes them (in a hosts file or on the
/// command line): a DNS name, an ssh_config alias, an IPv4 or a bracket-less
/// IPv6 address. Anything a shell would read specially is refused before
/// it gets near one.
public enum HostName {
    public static func validate(_ host: String) throws(SSHError) {
        guard !host.isEmpty, host.utf8.count <= 253 else { throw .invalidHost(host, reason: "must be 1-253 characters") }
        let allowed = host.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == 0x2E || c == 0x2D || c == 0x5F || c == 0x3A
        }
        guard allowed else { throw .invalidHost(host, reason: "only letters, digits and . - _ : are allowed") }
        guard host.first != "-" else { throw .invalidHost(host, reason: "must not start with '-'") }
    }
}
