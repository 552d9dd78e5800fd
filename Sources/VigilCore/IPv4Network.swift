/// An IPv4 network in CIDR notation ("10.78.0.0/24"): the data network a
/// cluster runs MPI and link probes on, apart from the management network
/// agents reach the server over.
public struct IPv4Network: Sendable, Equatable, CustomStringConvertible {
    public let address: UInt32
    public let prefixLength: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let length = Int(parts[1]), (0...32).contains(length),
              let address = Self.parse(String(parts[0])) else { return nil }
        self.prefixLength = length
        self.address = address & Self.mask(length)
    }

    public func contains(_ text: String) -> Bool {
        guard let other = Self.parse(text) else { return false }
        return other & Self.mask(prefixLength) == address
    }

    public var description: String { "\(Self.format(address))/\(prefixLength)" }

    /// Dotted quad to its 32 bits; nil unless exactly four decimal octets.
    public static func parse(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var value: UInt32 = 0
        for octet in octets {
            guard octet.count <= 3, octet.allSatisfy(\.isASCIIDigit), let byte = UInt8(octet) else { return nil }
            value = value << 8 | UInt32(byte)
        }
        return value
    }

    public static func format(_ value: UInt32) -> String {
        (0..<4).map { String(value >> (24 - 8 * $0) & 0xFF) }.joined(separator: ".")
    }

    private static func mask(_ length: Int) -> UInt32 { length == 0 ? 0 : ~UInt32(0) << (32 - length) }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
