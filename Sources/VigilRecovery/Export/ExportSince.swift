import Foundation

/// `vigil export --since`: an ISO 8601 time (`2026-12-01T08:00:00Z`, or a
/// day, `2026-12-01`, as UTC) or an age (`90s`, `30m`, `6h`, `2d`).
public enum ExportSince {
    public static func parse(_ text: String, nowNs: UInt64) -> UInt64? {
        if let unit = text.last, let count = Double(text.dropLast()), count >= 0,
           let seconds = ["s": 1.0, "m": 60, "h": 3_600, "d": 86_400][String(unit)] {
            let ago = UInt64(min(count * seconds * 1e9, Double(nowNs)))
            return nowNs - ago
        }
        let formats: [Date.ISO8601FormatStyle] = [.iso8601, .iso8601.year().month().day()]
        for format in formats {
            if let date = try? Date(text, strategy: format), date.timeIntervalSince1970 >= 0 {
                return UInt64(min(date.timeIntervalSince1970 * 1e9, Double(nowNs)))  // a future time: nothing yet
            }
        }
        return nil
    }
}
