/// The hosts a job runs on, with the ranks each takes: from a hosts file
/// (one `HOST [slots=N]` or `HOST:N` per line, `#` comments) or a command
/// line list (`h1,h2:4`). Host names follow `HostList.isValidHost`, so none
/// can carry shell syntax.
public struct HostSlots: Sendable, Equatable, Codable {
    public var host: String
    public var slots: Int

    public init(host: String, slots: Int) {
        self.host = host
        self.slots = slots
    }
}

public enum HostList {
    public static let hostRule = "1-253 letters, digits and . - _ : (not starting with '-')"

    /// A DNS name, an ssh_config alias, or an IPv4/IPv6 address.
    public static func isValidHost(_ host: some StringProtocol) -> Bool {
        let allowed = host.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == 0x2E || c == 0x2D || c == 0x5F || c == 0x3A
        }
        return !host.isEmpty && host.utf8.count <= 253 && allowed && host.first != "-"
    }

    /// `h1,h2:4`: hosts separated by commas.
    public static func parse(list: String, defaultSlots: Int) throws(HostListError) -> [HostSlots] {
        try collect(list.split(separator: ",", omittingEmptySubsequences: false).enumerated().map { ($0 + 1, $1) },
                    defaultSlots: defaultSlots, source: "host list")
    }

    /// A hosts file: one host per line.
    public static func parse(file text: String, defaultSlots: Int) throws(HostListError) -> [HostSlots] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap {
            (number, line) -> (Int, Substring)? in
            let content = line.prefix { $0 != "#" }.trimmingWhitespace
            return content.isEmpty ? nil : (number + 1, content)
        }
        return try collect(lines, defaultSlots: defaultSlots, source: "hosts file line")
    }

    private static func collect(_ entries: [(Int, Substring)], defaultSlots: Int,
                                source: String) throws(HostListError) -> [HostSlots] {
        var hosts: [HostSlots] = []
        for (number, entry) in entries {
            let parsed = try hostSlots(entry.trimmingWhitespace, defaultSlots: defaultSlots, at: "\(source) \(number)")
            guard !hosts.contains(where: { $0.host == parsed.host }) else {
                throw .invalid("\(source) \(number): \(parsed.host) is listed twice")
            }
            hosts.append(parsed)
        }
        guard !hosts.isEmpty else { throw .invalid("no hosts given") }
        return hosts
    }

    /// `host`, `host:N` or `host slots=N`.
    private static func hostSlots(_ text: Substring, defaultSlots: Int, at place: String) throws(HostListError) -> HostSlots {
        var host = text, slotsText: Substring?
        if let space = text.firstIndex(where: { $0 == " " || $0 == "\t" }) {
            host = text[..<space]
            let option = text[space...].trimmingWhitespace
            guard option.hasPrefix("slots=") else { throw .invalid("\(place): expected 'slots=N' after the host, got '\(option)'") }
            slotsText = option.dropFirst("slots=".count)
        } else if let colon = text.lastIndex(of: ":"), text.filter({ $0 == ":" }).count == 1 {
            (host, slotsText) = (text[..<colon], text[text.index(after: colon)...])
        }
        guard isValidHost(host) else { throw .invalid("\(place): '\(host.prefix(80))' is not a host name (\(hostRule))") }
        let slots = slotsText.map { Int($0) } ?? defaultSlots
        guard let slots, (1...4_096).contains(slots) else { throw .invalid("\(place): slots must be 1-4096") }
        return HostSlots(host: String(host), slots: slots)
    }
}

public enum HostListError: Error, Equatable, CustomStringConvertible {
    case invalid(String)
    public var description: String {
        switch self {
        case .invalid(let why): why
        }
    }
}

extension Substring {
    var trimmingWhitespace: Substring {
        let start = firstIndex { $0 != " " && $0 != "\t" && $0 != "\r" } ?? endIndex
        let end = lastIndex { $0 != " " && $0 != "\t" && $0 != "\r" }.map { index(after: $0) } ?? start
        return self[start..<Swift.max(start, end)]
    }
}
