/// Thresholds. Hang thresholds adapt to the job: a collective counts as
/// hung when it has waited `hangStepMultiple` typical collective intervals
/// of its communicator, and never less than `hangFloorNs`.
public struct DetectorConfiguration: Sendable, Equatable {
    public var hangFloorNs: UInt64
    public var hangStepMultiple: Double
    /// A node whose last heartbeat is older than this, with ranks running, is down.
    public var heartbeatTimeoutNs: UInt64

    public init(hangFloorNs: UInt64 = 2_000_000_000, hangStepMultiple: Double = 20,
                heartbeatTimeoutNs: UInt64 = 2_500_000_000) {
        self.hangFloorNs = hangFloorNs
        self.hangStepMultiple = hangStepMultiple
        self.heartbeatTimeoutNs = heartbeatTimeoutNs
    }
}
