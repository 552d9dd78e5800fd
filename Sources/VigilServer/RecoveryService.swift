import ServiceLifecycle
import VigilCore

/// Puts the detector's open incidents to the recovery coordinator twice a
/// second (docs/recovery.md).
public struct RecoveryService: Service {
    let coordinator: RecoveryCoordinator
    let detector: DetectorService
    let interval: Duration

    public init(coordinator: RecoveryCoordinator, detector: DetectorService, interval: Duration = .milliseconds(500)) {
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
