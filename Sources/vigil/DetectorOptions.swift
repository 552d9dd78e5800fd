import ArgumentParser
import VigilDetector

/// The detector's thresholds, shared by `server` and `replay` so a
/// postmortem can be rerun with the thresholds the server had, or others.
struct DetectorOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A collective waiting this long (at least) is hung.", valueName: "seconds"))
    var hangFloor: Double = 2

    @Option(help: ArgumentHelp("…or this many of its communicator's typical intervals, if longer.", valueName: "n"))
    var hangMultiple: Double = 20

    @Option(help: ArgumentHelp("A node silent this long, with ranks running, is down.", valueName: "seconds"))
    var heartbeatTimeout: Double = 2

    @Option(help: ArgumentHelp("A straggler arrives last in at least this share of recent instances.", valueName: "0..1"))
    var stragglerShare: Double = 0.6

    @Option(help: ArgumentHelp("Communication is slow at this multiple of a collective's normal cost.", valueName: "x"))
    var commSlowFactor: Double = 2

    func validate() throws {
        for value in [hangFloor, hangMultiple, heartbeatTimeout] where !(value > 0 && value <= 86_400) {
            throw ValidationError("--hang-floor, --hang-multiple and --heartbeat-timeout must be in (0, 86400]")
        }
        guard stragglerShare > 0.5, stragglerShare <= 1 else { throw ValidationError("--straggler-share must be in (0.5, 1]") }
        guard commSlowFactor > 1, commSlowFactor <= 1_000 else { throw ValidationError("--comm-slow-factor must be in (1, 1000]") }
    }

    var configuration: DetectorConfiguration {
        var c = DetectorConfiguration()
        c.hangFloorNs = UInt64(hangFloor * 1e9)
        c.hangStepMultiple = hangMultiple
        c.heartbeatTimeoutNs = UInt64(heartbeatTimeout * 1e9)
        c.stragglerShare = stragglerShare
        c.communicationSlowFactor = commSlowFactor
        return c
    }
}
