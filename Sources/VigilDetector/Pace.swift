/// The typical time between collective instances on one communicator,
/// learned from how fast its slowest member's completed seq advances
/// (an average that does not move while nothing completes, as in a hang).
struct Pace: Sendable {
    private var last: (seq: UInt64, atNs: UInt64)?
    private(set) var intervalNs: Double?

    mutating func observe(seqLeft: UInt64, atNs: UInt64) {
        defer { if last == nil || seqLeft > last!.seq { last = (seqLeft, atNs) } }
        guard let last, seqLeft > last.seq, atNs > last.atNs else { return }
        let sample = Double(atNs - last.atNs) / Double(seqLeft - last.seq)
        intervalNs = intervalNs.map { 0.8 * $0 + 0.2 * sample } ?? sample
    }
}
