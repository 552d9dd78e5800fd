/// A quantity's normal value, learned from the job's own steady state: the
/// median of its first samples after a warm-up, then following the
/// measurements only while they stay near it, so a standing fault is never
/// learned as normal.
struct Baseline: Sendable {
    private var learning: [Double] = []
    private var seen = 0
    private(set) var value: Double?
    let warmUp: Int
    let samples: Int

    init(warmUp: Int = 4, samples: Int = 16) {
        self.warmUp = warmUp
        self.samples = samples
    }

    mutating func learn(_ sample: Double) {
        seen += 1
        guard value == nil, seen > warmUp else { return }
        learning.append(sample)
        guard learning.count == samples else { return }
        value = learning.median
        learning = []
    }

    /// Moves toward a window's typical value that is within `tolerance`× of normal.
    mutating func follow(_ typical: Double, tolerance: Double) {
        guard let current = value, typical <= current * tolerance, typical >= current / tolerance else { return }
        value = 0.9 * current + 0.1 * typical
    }
}

extension Array where Element: Comparable {
    /// The upper median; nil when empty.
    var median: Element? { isEmpty ? nil : sorted()[count / 2] }
}
