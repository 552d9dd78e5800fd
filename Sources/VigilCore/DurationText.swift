/// Durations as every table, view and message prints them: one rule, so
/// the CLI, the console and recovery's reasons say a time the same way.
public enum DurationText {
    /// "850ns", "12.3µs", "4.5ms", "2.0s", then whole units: "3m20s", "2h05m", "3d".
    public static func precise(_ ns: UInt64) -> String {
        switch ns {
        case ..<1_000: "\(ns)ns"
        case ..<1_000_000: oneDecimal(ns, per: 1_000) + "µs"
        case ..<1_000_000_000: oneDecimal(ns, per: 1_000_000) + "ms"
        case ..<60_000_000_000: oneDecimal(ns, per: 1_000_000_000) + "s"
        default: whole(ns)
        }
    }

    /// Whole units, for ages (they change once a second, not every frame): "4s", "3m20s", "2h05m", "3d".
    public static func whole(_ ns: UInt64) -> String {
        let s = ns / 1_000_000_000
        switch s {
        case ..<60: return "\(s)s"
        case ..<3_600: return "\(s / 60)m\(two(s % 60))s"
        case ..<86_400: return "\(s / 3_600)h\(two(s / 60 % 60))m"
        default: return "\(s / 86_400)d"
        }
    }

    /// `ns / unit` rounded to one decimal, in integers (no Foundation, no float formatting).
    private static func oneDecimal(_ ns: UInt64, per unit: UInt64) -> String {
        let tenths = (ns * 10 + unit / 2) / unit
        return "\(tenths / 10).\(tenths % 10)"
    }

    private static func two(_ n: UInt64) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
