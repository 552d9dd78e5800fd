import Testing

/// One bench, server and set of agents for a whole suite of fault drills:
/// set up once (a bench costs ~10 s to build, start and tear down), each
/// drill launching its own job on it and, when its scope closes, stopping
/// that job and undoing what it did to the links. Drills that take a host
/// down for good (a dead node, a cut management link) build their own.
struct SharedDrillStage: SuiteTrait, TestScoping {
    @TaskLocal static var current: LaunchStage?

    func provideScope(for test: Test, testCase: Test.Case?,
                      performing function: @Sendable () async throws -> Void) async throws {
        try await withScope("drill-bench") { scope in
            try await Self.$current.withValue(try await FaultDrill.stage(in: scope)) { try await function() }
        }
    }
}

extension Trait where Self == SharedDrillStage {
    /// The suite's drills share one bench (SharedDrillStage).
    static var sharedDrillStage: Self { SharedDrillStage() }
}
