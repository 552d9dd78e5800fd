import VigilCore

/// Numbers as the console prints them: short, fixed-width friendly, no Foundation.
enum Formats {
    /// The age of `thenNs` at `nowNs`; "-" for never.
    static func age(now nowNs: UInt64, then thenNs: UInt64?) -> String {
        guard let thenNs, thenNs > 0 else { return "-" }
        return DurationText.whole(nowNs - min(nowNs, thenNs))
    }

    /// "512B", "3.2K", "1.5M", "2.0G" (binary units).
    static func bytes(_ n: UInt64) -> String {
        let units = ["B", "K", "M", "G", "T", "P"]
        var value = Double(n)
        var unit = 0
        while value >= 1_024, unit < units.count - 1 {
            value /= 1_024
            unit += 1
        }
        return unit == 0 ? "\(n)B" : decimal(value, value >= 100 ? 0 : 1) + units[unit]
    }

    /// Bytes per second: "94MB/s", "1.2GB/s" (decimal units, as link speeds are quoted).
    static func rate(_ bytesPerSecond: Double) -> String {
        switch bytesPerSecond {
        case ..<1e3: return decimal(bytesPerSecond, 0) + "B/s"
        case ..<1e6: return decimal(bytesPerSecond / 1e3, bytesPerSecond < 1e4 ? 1 : 0) + "kB/s"
        case ..<1e9: return decimal(bytesPerSecond / 1e6, bytesPerSecond < 1e7 ? 1 : 0) + "MB/s"
        default: return decimal(bytesPerSecond / 1e9, 1) + "GB/s"
        }
    }

    /// "1,234,567".
    static func count<T: BinaryInteger>(_ n: T) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// A quantity per second, shortened: "12.5", "1.2k", "3.4M".
    static func perSecond(_ value: Double) -> String {
        switch value {
        case ..<10: decimal(value, 2)
        case ..<1_000: decimal(value, 1)
        case ..<1e6: decimal(value / 1e3, 1) + "k"
        default: decimal(value / 1e6, 1) + "M"
        }
    }

    static func decimal(_ value: Double, _ places: Int) -> String {
        guard value.isFinite else { return "-" }
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = Int((abs(value) * scale).rounded())
        let whole = scaled / Int(scale), fraction = scaled % Int(scale)
        let sign = value < 0 && scaled > 0 ? "-" : ""
        guard places > 0 else { return sign + "\(whole)" }
        let digits = String(fraction)
        return sign + "\(whole)." + String(repeating: "0", count: places - digits.count) + digits
    }

    /// A sparkline of `values` in `width` columns (the newest at the right),
    /// scaled to the largest value shown.
    static func sparkline(_ values: [Double], width: Int) -> String {
        let bars: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        let shown = values.suffix(width)
        guard let top = shown.max(), top > 0 else {
            return String(repeating: " ", count: max(0, width - shown.count)) + String(repeating: "▁", count: shown.count)
        }
        let line = shown.map { v -> Character in
            v <= 0 ? " " : bars[min(bars.count - 1, Int((v / top) * Double(bars.count - 1) + 0.5))]
        }
        return String(repeating: " ", count: max(0, width - line.count)) + String(line)
    }
}
