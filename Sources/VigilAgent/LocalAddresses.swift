import VigilCore
#if canImport(Glibc)
import Glibc
#endif

/// This host's IPv4 addresses, from getifaddrs: which one is on the data network.
enum LocalAddresses {
    static func ipv4() -> [String] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return [] }
        defer { freeifaddrs(list) }
        var addresses: [String] = []
        for entry in sequence(first: first, next: { $0.pointee.ifa_next }) {
            guard let raw = entry.pointee.ifa_addr, raw.pointee.sa_family == sa_family_t(AF_INET) else { continue }
            var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
            raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                var bits = address.pointee.sin_addr
                _ = inet_ntop(AF_INET, &bits, &text, socklen_t(text.count))
            }
            addresses.append(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return addresses
    }

    /// The address of this host on `network`, if it has one.
    static func address(on network: IPv4Network) -> String? {
        ipv4().first { network.contains($0) }
    }
}
