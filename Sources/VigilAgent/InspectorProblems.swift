import Logging

/// What could not be read, counted per file and reason, logged at most
/// every 10 s: a bad file never floods the log, and nothing goes unsaid.
struct InspectorProblems {
    private var counts: [String: Int] = [:]
    private var lastReport = ContinuousClock.now - .seconds(10)

    mutating func note(_ path: String, _ reason: String) {
        counts["\(path): \(reason)", default: 0] += 1
    }

    mutating func report(_ logger: Logger) {
        guard !counts.isEmpty, ContinuousClock.now - lastReport >= .seconds(10) else { return }
        for (what, count) in counts.sorted(by: { $0.key < $1.key }) {
            logger.warning("NCCL Inspector output not read", metadata: ["what": "\(what)", "times": "\(count)"])
        }
        counts.removeAll()
        lastReport = ContinuousClock.now
    }
}
