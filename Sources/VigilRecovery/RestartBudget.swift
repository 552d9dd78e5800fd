/// One job's restart budget, kept by the server (and in its store, so it
/// holds across a server restart): at most `maxRestarts` in a rolling
/// window, each after a backoff that doubles from `backoffNs` (the first
/// is immediate), reset once the job has trained healthily for
/// `healthyNs`; a job that fails the same way `sameFailureLimit` times in
/// a row, without a healthy period between, is not restarted again.
public struct RestartBudget: Sendable, Equatable, Codable {
    public struct Limits: Sendable, Equatable, Codable {
        public var maxRestarts: Int
        public var windowNs: UInt64
        public var backoffNs: UInt64
        public var backoffCapNs: UInt64
        public var healthyNs: UInt64
        public var sameFailureLimit: Int

        public init(maxRestarts: Int = 5, windowNs: UInt64 = 3_600 * 1_000_000_000, backoffNs: UInt64 = 10 * 1_000_000_000,
                    backoffCapNs: UInt64 = 300 * 1_000_000_000, healthyNs: UInt64 = 600 * 1_000_000_000,
                    sameFailureLimit: Int = 3) {
            self.maxRestarts = maxRestarts
            self.windowNs = windowNs
            self.backoffNs = backoffNs
            self.backoffCapNs = backoffCapNs
            self.healthyNs = healthyNs
            self.sameFailureLimit = sameFailureLimit
        }
    }

    public struct Restart: Sendable, Equatable, Codable {
        public var atNs: UInt64
        /// How the attempt failed (the incident's class, and what else makes two failures the same).
        public var failure: String
    }

    public enum Verdict: Sendable, Equatable {
        case allowed
        /// Not before this time.
        case backoff(untilNs: UInt64)
        /// Spent, or the same failure again: why.
        case exhausted(String)
    }

    /// Restarts in the window, oldest first.
    public private(set) var restarts: [Restart] = []
    /// Restarts in a row, each within `healthyNs` of the one before.
    private var streak = 0

    public init() {}

    /// Whether a restart for `failure` may happen at `nowNs`.
    public func verdict(for failure: String, nowNs: UInt64, limits: Limits) -> Verdict {
        let recent = restarts.filter { nowNs < $0.atNs &+ limits.windowNs }
        if recent.count >= limits.maxRestarts {
            return .exhausted("\(recent.count) restarts in the last \(limits.windowNs / 1_000_000_000) s (at most \(limits.maxRestarts))")
        }
        let streak = streak(at: nowNs, limits)
        let chain = restarts.suffix(streak)
        if chain.count >= limits.sameFailureLimit, chain.suffix(limits.sameFailureLimit).allSatisfy({ $0.failure == failure }) {
            return .exhausted("failed the same way (\(failure)) \(limits.sameFailureLimit + 1) times in a row")
        }
        guard streak > 0, let last = restarts.last else { return .allowed }
        let until = last.atNs &+ backoff(streak: streak, limits)
        return nowNs >= until ? .allowed : .backoff(untilNs: until)
    }

    /// The wait before the next restart at `nowNs`: none for the first of a streak, then 10 s, 20 s, … capped.
    public func backoff(at nowNs: UInt64, _ limits: Limits) -> UInt64 {
        backoff(streak: streak(at: nowNs, limits), limits)
    }

    public mutating func recordRestart(failure: String, atNs: UInt64, limits: Limits) {
        streak = streak(at: atNs, limits) + 1
        restarts = restarts.filter { atNs < $0.atNs &+ limits.windowNs } + [Restart(atNs: atNs, failure: failure)]
    }

    /// A job that failed `healthyNs` or more after its last restart had
    /// trained healthily since (a failure in between would have been a
    /// restart): backoff and the same-failure chain start again.
    private func streak(at nowNs: UInt64, _ limits: Limits) -> Int {
        guard let last = restarts.last, nowNs < last.atNs &+ limits.healthyNs else { return 0 }
        return streak
    }

    private func backoff(streak: Int, _ limits: Limits) -> UInt64 {
        guard streak > 0 else { return 0 }
        let doublings = UInt64(min(streak - 1, 40))
        let (wait, overflow) = limits.backoffNs.multipliedReportingOverflow(by: 1 << doublings)
        return overflow ? limits.backoffCapNs : min(wait, limits.backoffCapNs)
    }
}
