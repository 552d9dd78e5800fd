import Logging
import ServiceLifecycle

/// Drains every ring continuously and notices ranks that ended. Polls fast
/// while records flow and backs off when the rings are idle.
public struct DrainService: Service {
    private let table: RankTable
    private let exitCheckInterval: Duration = .milliseconds(100)

    public init(table: RankTable) {
        self.table = table
    }

    public func run() async throws {
        table.adoptExistingRings()
        let clock = ContinuousClock()
        var nextExitCheck = clock.now
        var idleRounds = 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let moved = table.drainAll()
            idleRounds = moved > 0 ? 0 : idleRounds + 1
            if clock.now >= nextExitCheck {
                table.checkExits()
                nextExitCheck = clock.now + exitCheckInterval
            }
            try? await Task.sleep(for: idleRounds > 10 ? .milliseconds(10) : .milliseconds(1))
        }
        table.drainAll()  // rings stay for the next agent; nothing read is lost
    }
}
