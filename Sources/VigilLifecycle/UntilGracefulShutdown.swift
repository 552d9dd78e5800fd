import ServiceLifecycle

/// Runs `body` until graceful shutdown cancels it. That cancellation is how
/// a listener is meant to stop, so it is not reported as the service's error.
public func untilGracefulShutdown(_ body: @escaping @Sendable () async throws -> Void) async throws {
    do {
        try await cancelWhenGracefulShutdown(body)
    } catch is CancellationError {
        return
    }
}
