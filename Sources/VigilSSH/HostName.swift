import VigilCore

/// Host names are checked before anything connects: a name a shell would
/// read specially never gets near one (`HostList.isValidHost`).
enum HostName {
    static func validate(_ host: String) throws(SSHError) {
        guard HostList.isValidHost(host) else { throw .invalidHost(host, reason: HostList.hostRule) }
    }
}
