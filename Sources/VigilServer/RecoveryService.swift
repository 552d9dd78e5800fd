import ServiceLifecycle
import VigilCore

/// Puts the detector's open incidents to the recovery coordinator ten times
/// a second (docs/recovery.md): an incident waits at most that long for its
/// decision (an incident already decided costs a dictionary lookup).
public struct RecoveryService: Service {
    let coordinator: RecoveryCoordinator
    let detector: DetectorService
    let interval: Duration

    public init(coordinator: RecoveryCoordinator, detector: DetectorService, interval: Duration = .milliseconds(100)) {
        self.coordinator = coordinator
        self.detector = detector
        self.interval = interval
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                guard (try? await Task.sleep(for: interval)) != nil else { return }
                await coordinator.consider(detector.openIncidents, nowNs: wallClockNanoseconds())
            }
        }
    }
}
