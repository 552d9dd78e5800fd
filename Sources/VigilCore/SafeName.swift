/// Names that end up in file names, table keys and log lines (jobs, hosts,
/// nodes): 1 to `maxLength` characters of [A-Za-z0-9._-], not "." or "..".
public enum SafeName {
    public static let maxLength = 63

    public static func isValid<S: StringProtocol>(_ name: S, maxLength: Int = SafeName.maxLength) -> Bool {
        let allowed = name.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == 0x2E || c == 0x5F || c == 0x2D
        }
        return !name.isEmpty && name.utf8.count <= maxLength && allowed && name != "." && name != ".."
    }

    public static let rule = "1-\(maxLength) characters of [A-Za-z0-9._-]"
}
