import ArgumentParser
import VigilRecovery

/// How `vigil server` acts on incidents (docs/recovery.md).
struct RecoveryOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Act on incidents: off, automatic, dry-run (plan and record only) or approval "
                               + "(plans wait for `vigil recovery approve`).", valueName: "mode"))
    var recovery: String = "off"

    @Option(help: ArgumentHelp("Hosts kept free to take a culprit's place, in order (comma-separated or repeated).",
                               valueName: "hosts"))
    var spares: [String] = []

    @Option(help: ArgumentHelp("Isolate a culprit only with at least this confidence.", valueName: "0..1"))
    var recoveryConfidence: Double = 0.6

    @Option(help: ArgumentHelp("At most this many restarts of a job per --restart-window.", valueName: "n"))
    var restartBudget: Int = 5

    @Option(help: ArgumentHelp("The restart budget's rolling window.", valueName: "seconds"))
    var restartWindow: Double = 3_600

    @Option(help: ArgumentHelp("The first backoff between restarts, doubling (the first restart is immediate).", valueName: "seconds"))
    var restartBackoff: Double = 10

    @Option(help: ArgumentHelp("Stopping a job: SIGTERM, then SIGKILL after this.", valueName: "seconds"))
    var stopGrace: Double = 10

    func validate() throws {
        guard RecoveryConfiguration.Mode(rawValue: recovery) != nil else {
            throw ValidationError("--recovery must be off, automatic, dry-run or approval")
        }
        guard (0...1).contains(recoveryConfidence) else { throw ValidationError("--recovery-confidence must be in [0, 1]") }
        guard (1...1_000).contains(restartBudget) else { throw ValidationError("--restart-budget must be 1-1000") }
        for value in [restartWindow, restartBackoff, stopGrace] where !(value >= 0 && value <= 86_400) {
            throw ValidationError("--restart-window, --restart-backoff and --stop-grace must be in [0, 86400]")
        }
    }

    var configuration: RecoveryConfiguration {
        var budget = RestartBudget.Limits()
        budget.maxRestarts = restartBudget
        budget.windowNs = UInt64(restartWindow * 1e9)
        budget.backoffNs = UInt64(restartBackoff * 1e9)
        return RecoveryConfiguration(mode: RecoveryConfiguration.Mode(rawValue: recovery) ?? .off,
                                     minConfidence: recoveryConfidence,
                                     spares: spares.flatMap { $0.split(separator: ",").map(String.init) },
                                     stopGraceNs: UInt64(stopGrace * 1e9), budget: budget)
    }
}
