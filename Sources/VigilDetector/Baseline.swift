/// A quantity's normal value, learned from the job's own steady state: the
/// median of what it measured over `learnNs` after a `warmUpNs` start (time,
/// not a count: a job's first instances come in a burst, before the machine
/// settles), then following the measurements only while they stay within
/// ±25% (or another tolerance), so a standing fault is never learned as normal.
struct Baseline: Sendable {
    private var learning: [Double] = []
    private var firstNs: UInt64?
    private(set) var value: Double?
    let warmUpNs: UInt64
    let learnNs: UInt64
    /// Followed only within this factor of normal either way.
    let tolerance: Double

    static let maxSamples = 4_096

    init(warmUpNs: UInt64 = 1_000_000_000, learnNs: UInt64 = 5_000_000_000, tolerance: Double = 1.25) {
        self.warmUpNs = warmUpNs
        self.learnNs = learnNs
        self.tolerance = tolerance
    }

    mutating func learn(_ sample: Double, atNs: UInt64) {
        guard value == nil else { return }
        let first = firstNs ?? atNs
        firstNs = first
        let age = atNs - min(atNs, first)
        guard age >= warmUpNs else { return }
        if learning.count < Self.maxSamples { learning.append(sample) }
        if age >= warmUpNs + learnNs, let median = learning.median {
            value = median
            learning = []
        }
    }

    /// Moves toward a window's typical value that is within tolerance of normal.
    mutating func follow(_ typical: Double) {
        guard let current = value, typical <= current * tolerance, typical >= current / tolerance else { return }
        value = 0.9 * current + 0.1 * typical
    }
}

extension Array where Element: Comparable {
    /// The upper median; nil when empty.
    var median: Element? { isEmpty ? nil : sorted()[count / 2] }
}
