/// "host:port" (the last colon splits, so "[::1]:7078" and "::1:7078" work).
public enum HostPort {
    public static func parse(_ text: String) throws(APIClientError) -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65_535).contains(port), colon != text.startIndex else {
            throw .badAddress(text)
        }
        return (String(text[..<colon]).trimmingBrackets, port)
    }
}

extension String {
    var trimmingBrackets: String {
        hasPrefix("[") && hasSuffix("]") ? String(dropFirst().dropLast()) : self
    }
}
