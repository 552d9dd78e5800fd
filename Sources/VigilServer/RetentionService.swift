import Logging
import ServiceLifecycle
import VigilCore

/// Keeps the store bounded: every minute, roll raw windows up and delete
/// what is past its retention (defaults: raw 24 h, roll-ups 30 days).
public struct RetentionService: Service {
    public struct Policy: Sendable {
        public var rawKeep: Duration
        public var rollupKeep: Duration
        public var every: Duration

        public init(rawKeep: Duration = .seconds(24 * 3_600), rollupKeep: Duration = .seconds(30 * 86_400),
                    every: Duration = .seconds(60)) {
            self.rawKeep = rawKeep
            self.rollupKeep = rollupKeep
            self.every = every
        }
    }

    private let store: any TelemetryStore
    private let policy: Policy
    private let logger: Logger

    public init(store: any TelemetryStore, policy: Policy, logger: Logger) {
        self.store = store
        self.policy = policy
        self.logger = logger
    }

    /// Shutdown interrupts the wait or the pass: the next start picks up
    /// where this one left off, so neither is an error.
    public func run() async {
        await cancelWhenGracefulShutdown { await loop() }
    }

    private func loop() async {
        while !Task.isCancelled {
            guard (try? await Task.sleep(for: policy.every)) != nil else { return }
            do {
                let report = try await store.applyRetention(
                    nowNs: wallClockNanoseconds(), rawKeepNs: Self.ns(policy.rawKeep), rollupKeepNs: Self.ns(policy.rollupKeep))
                logger.debug("retention", metadata: ["rolledUp": "\(report.rolledUp)", "rawDeleted": "\(report.rawDeleted)",
                                                     "rollupsDeleted": "\(report.rollupsDeleted)"])
            } catch is CancellationError {
                return
            } catch {
                logger.error("retention failed", metadata: ["reason": "\(error)"])
            }
        }
    }

    static func ns(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
    }
}
