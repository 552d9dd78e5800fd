import Foundation

/// Quantities as evidence prints them, beside `DurationText`: one rule, so
/// every incident says a time, a rate, a share or a multiple the same way.
public enum QuantityText {
    /// "572 ms" from 10 ms up, "4.56 ms" below (a fast collective's cost).
    public static func milliseconds(_ ns: UInt64) -> String {
        ns >= 10_000_000 ? "\(ns / 1_000_000) ms" : String(format: "%.2f ms", Double(ns) / 1e6)
    }

    /// "1.2 GB/s", "11 MB/s", "2.83 MB/s" (a crawling link is not "0 MB/s").
    public static func rate(_ bytesPerSecond: Double) -> String {
        switch bytesPerSecond {
        case 1e9...: String(format: "%.1f GB/s", bytesPerSecond / 1e9)
        case 1e7...: String(format: "%.0f MB/s", bytesPerSecond / 1e6)
        default: String(format: "%.2f MB/s", bytesPerSecond / 1e6)
        }
    }

    /// A share of 0…1 as a whole percentage: "74%".
    public static func percent(_ share: Double) -> String {
        "\(Int((100 * min(max(share, 0), 10_000)).rounded()))%"
    }

    /// "2.4×".
    public static func factor(_ x: Double) -> String { x.isFinite ? String(format: "%.1f×", x) : "∞×" }
}
