import Testing
import VigilCore
@testable import VigilRecovery

/// Goodput from runs, recoveries and checkpoints, with no store or clock.
struct GoodputTests {
    static let s: UInt64 = 1_000_000_000
    static let ms: UInt64 = 1_000_000

    static func run(_ attempt: Int, from: UInt64, to: UInt64? = nil) -> JobRun {
        JobRun(job: "train", attempt: attempt, node: "n1", hosts: [HostSlots(host: "n1", slots: 2)], command: ["train"],
               state: to == nil ? .running : .stopped, startedNs: from, endedNs: to)
    }

    static func checkpoint(_ step: Int64, at: UInt64, blocked: UInt64 = 10 * ms) -> StoredCheckpoint {
        StoredCheckpoint(job: "train", step: step, worldSize: 2, startedNs: at, levels: [
            .init(level: .local, state: .complete, durableShards: 2, bytes: 1, slowestNs: 1, blockedNs: blocked, completedNs: at + s,
                  failure: nil)])
    }

    /// A crash first seen at 50 s, trained again at 56 s from step 40 (saved at 40 s).
    static func recovered() -> StoredRecovery {
        var r = StoredRecovery(job: "train", attempt: 1, incidentKey: "rank-crash/train/n3:5", incidentClass: .rankCrash,
                               mode: .automatic, state: .training, plan: nil, why: [], firstSeenNs: 50 * s, detectedNs: 51 * s,
                               decidedNs: 51 * s)
        (r.stoppedNs, r.launchedNs, r.restoredStep, r.restoredNs, r.restoreNs, r.firstStepNs) = (52 * s, 53 * s, 40, 55 * s, s, 56 * s)
        return r
    }

    static let checkpoints = [checkpoint(20, at: 20 * s), checkpoint(40, at: 40 * s)]

    @Test func aRecoveryCostsItsStepsAndTheTrainingSinceTheRestoredCheckpoint() {
        let g = Goodput.of(job: "train", runs: [Self.run(1, from: 0, to: 52 * Self.s), Self.run(2, from: 53 * Self.s)],
                           recoveries: [Self.recovered()], checkpoints: Self.checkpoints, nowNs: 100 * Self.s)
        #expect(g.wallNs == 100 * Self.s)
        #expect(g.lost(.detection) == Self.s && g.lost(.waiting) == 0 && g.lost(.stop) == Self.s)
        #expect(g.lost(.restore) == Self.s && g.lost(.relaunch) == 3 * Self.s, "52–56 s less the restore; the gap between attempts is relaunch")
        #expect(g.lost(.down) == 0)
        #expect(g.lost(.recomputation) == 10 * Self.s, "40–50 s, the restored step's checkpoint to the fault")
        #expect(g.lost(.checkpointBlocking) == 10 * Self.ms, "step 40's wait lies in the recomputed stretch: counted once")
        #expect(g.productiveNs == 100 * Self.s - 16 * Self.s - 10 * Self.ms)
        #expect(abs(g.ettr - 0.8399) < 1e-9)
        #expect(g.restarts == 1 && g.stepsRolledBack == 10, "1 step/s between the checkpoints, 10 s since step 40")
    }

    @Test func theCausesAndTheProductiveTimeAddUpToTheWallTime() {
        var second = Self.recovered()
        (second.firstSeenNs, second.detectedNs, second.decidedNs, second.approvedNs) = (70 * Self.s, 72 * Self.s, 72 * Self.s, 80 * Self.s)
        (second.stoppedNs, second.launchedNs, second.restoredStep, second.restoredNs, second.firstStepNs) =
            (81 * Self.s, 82 * Self.s, 20, 84 * Self.s, 85 * Self.s)
        let g = Goodput.of(job: "train", runs: [Self.run(1, from: 0, to: 52 * Self.s), Self.run(2, from: 53 * Self.s, to: 81 * Self.s),
                                                Self.run(3, from: 82 * Self.s)],
                           recoveries: [Self.recovered(), second], checkpoints: Self.checkpoints, nowNs: 120 * Self.s)
        #expect(g.productiveNs + g.lostNs.values.reduce(0, +) == g.wallNs)
        #expect(g.lost(.waiting) == 8 * Self.s, "72–80 s, the operator's approval")
        #expect(g.lost(.down) == 0, "81–82 s, between attempts, is the second recovery's relaunch")
        #expect(g.restarts == 2)
    }

    @Test func aPlanAwaitingApprovalIsWaitingUntilNow() {
        var r = Self.recovered()
        (r.state, r.stoppedNs, r.launchedNs, r.restoredNs, r.firstStepNs) = (.awaitingApproval, nil, nil, nil, nil)
        let g = Goodput.of(job: "train", runs: [Self.run(1, from: 0)], recoveries: [r], checkpoints: [], nowNs: 100 * Self.s)
        #expect(g.lost(.detection) == Self.s && g.lost(.waiting) == 49 * Self.s && g.ettr == 0.5)
    }

    @Test func aWaitLastsUntilTheDecisionThatActed() {
        var waited = Self.recovered()
        (waited.id, waited.state, waited.decidedNs) = (1, .waiting, 51 * Self.s)
        (waited.stoppedNs, waited.launchedNs, waited.restoredNs, waited.firstStepNs) = (nil, nil, nil, nil)
        var acted = Self.recovered()
        acted.decidedNs = 51 * Self.s + 500 * Self.ms
        let g = Goodput.of(job: "train", runs: [Self.run(1, from: 0, to: 52 * Self.s), Self.run(2, from: 53 * Self.s)],
                           recoveries: [waited, acted], checkpoints: Self.checkpoints, nowNs: 100 * Self.s)
        #expect(g.lost(.waiting) == 500 * Self.ms && g.lost(.relaunch) == 3 * Self.s && g.lost(.restore) == Self.s)
    }

    @Test func aJobLeftStoppedIsCountedUntilItEnded() {
        var r = Self.recovered()
        (r.state, r.stoppedNs, r.launchedNs, r.restoredNs, r.firstStepNs) = (.gaveUp, nil, nil, nil, nil)
        let g = Goodput.of(job: "train", runs: [Self.run(1, from: 0, to: 52 * Self.s)], recoveries: [r], checkpoints: [],
                           nowNs: 500 * Self.s)
        #expect(g.endNs == 52 * Self.s && g.lost(.down) == 2 * Self.s)
    }

    @Test func withoutACheckpointARestartRedoesEverything() {
        var r = Self.recovered()
        (r.restoredStep, r.restoredNs, r.restoreNs) = (nil, nil, nil)
        let g = Goodput.of(job: "train", runs: [Self.run(1, from: 0, to: 52 * Self.s), Self.run(2, from: 53 * Self.s)],
                           recoveries: [r], checkpoints: [], nowNs: 100 * Self.s)
        #expect(g.lost(.recomputation) == 50 * Self.s && g.lost(.relaunch) == 4 * Self.s)
    }

    @Test func aJobNeverRunIsAllProductiveOfNothing() {
        let g = Goodput.of(job: "train", runs: [], recoveries: [], checkpoints: [], nowNs: 5 * Self.s)
        #expect(g.wallNs == 0 && g.ettr == 1)
    }
}

extension GoodputTests {
    @Test func statusSaysTheRatioAndWhereTheTimeWent() {
        let g = Goodput.of(job: "train", runs: [Self.run(1, from: 0, to: 52 * Self.s), Self.run(2, from: 53 * Self.s)],
                           recoveries: [Self.recovered()], checkpoints: Self.checkpoints, nowNs: 100 * Self.s)
        #expect(GoodputTable.render([g]) == """
            JOB     ETTR   WALL  PRODUCTIVE   LOST  RESTARTS  ROLLED BACK
            train  0.840  1m40s       1m23s  16.0s         1     10 steps
            train lost: detection 1.0s, stop 1.0s, restore 1.0s, relaunch 3.0s, recomputation 10.0s, checkpoint-blocking 10.0ms

            """)
    }
}
