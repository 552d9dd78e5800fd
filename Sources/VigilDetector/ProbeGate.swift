/// When a slowness across hosts may be judged: once a probe round since it
/// began has measured the job's links. Remembers since when each slow
/// communicator has waited for a round and since when it has been slow —
/// carried from one evaluation to the next only while it is found again
/// (the same onset, the same round: no round after round) — and which
/// jobs' links this evaluation wants probed.
struct ProbeGate: Sendable {
    typealias Key = Detector.CommunicatorKey

    private var waitSinceNs: [Key: UInt64] = [:]
    private var waitNextNs: [Key: UInt64] = [:]
    private var onsetNs: [Key: UInt64] = [:]
    private var onsetNextNs: [Key: UInt64] = [:]
    /// Per job, the time after which a probe round is wanted.
    private(set) var wanted: [String: UInt64] = [:]

    /// A new evaluation: what the last one found carries over, once.
    mutating func beginEvaluation() {
        wanted = [:]
        (waitSinceNs, waitNextNs) = (waitNextNs, [:])
        (onsetNs, onsetNextNs) = (onsetNextNs, [:])
    }

    /// Since when `key` has waited for a round (from now, if it starts now).
    mutating func waiting(_ key: Key, nowNs: UInt64) -> UInt64 {
        let since = waitSinceNs[key] ?? nowNs
        waitNextNs[key] = since
        return since
    }

    /// Since when `key` waited, as found this evaluation: the wait counts
    /// toward the slowness persisting.
    func waitedSince(_ key: Key) -> UInt64? { waitNextNs[key] }

    mutating func want(job: String, sinceNs: UInt64) {
        wanted[job] = min(wanted[job] ?? sinceNs, sinceNs)
    }

    /// The onset of `key`'s slowness: as found before, else its wait's
    /// start, else `fallback`.
    mutating func onset(_ key: Key, fallback: UInt64) -> UInt64 {
        let onset = onsetNs[key] ?? waitSinceNs[key] ?? fallback
        onsetNextNs[key] = onset
        return onset
    }

    mutating func forget(job: String) {
        waitNextNs = waitNextNs.filter { $0.key.job != job }
        onsetNextNs = onsetNextNs.filter { $0.key.job != job }
    }
}
