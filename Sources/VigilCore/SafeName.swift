/// Names that end up in file names, table keys and log lines (jobs, hosts,
/// nodes): 1 to `maxLength` characters of [A-Za-z0-9._-], not "." or "..".
public enum SafeName {
    public static let maxLength = 63

    public static func isValid<S: StringProtocol>(_ name: S, maxLength: Int = SafeName.maxLength) -> Bool {
        isValid(utf8: name.utf8, maxLength: maxLength)
    }

    /// The same rule on raw bytes, e.g. still in a receive buffer. Inlinable
    /// so that it is specialized where it is called (the wire decoder).
    @inlinable
    public static func isValid(utf8 bytes: some Collection<UInt8>, maxLength: Int = SafeName.maxLength) -> Bool {
        let allowed = bytes.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == 0x2E || c == 0x5F || c == 0x2D
        }
        let onlyDots = bytes.allSatisfy { $0 == 0x2E }
        return !bytes.isEmpty && bytes.count <= maxLength && allowed && !(onlyDots && bytes.count <= 2)
    }

    public static let rule = "1-\(maxLength) characters of [A-Za-z0-9._-]"
}
