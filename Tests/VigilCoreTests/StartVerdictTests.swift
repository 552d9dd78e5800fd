import Testing
import VigilCore

struct StartVerdictTests {
    private func run(_ state: JobRun.State, exit: Int32? = nil) -> JobRun {
        var run = JobRun(job: "j", attempt: 2, node: "n1", hosts: [HostSlots(host: "n1", slots: 4)], command: ["train"],
                         state: state, startedNs: 1)
        run.exitStatus = exit
        return run
    }

    @Test func waitsUntilEveryRankRegistered() {
        #expect(StartVerdict(run: nil, registered: 0, expected: 4) == .waiting(registered: 0))
        #expect(StartVerdict(run: run(.running), registered: 3, expected: 4) == .waiting(registered: 3))
        #expect(StartVerdict(run: run(.running), registered: 4, expected: 4) == .running)
    }

    @Test func mpirunEndingDecidesEvenWithRanksRegistered() {
        let failed = run(.exited, exit: 1)
        #expect(StartVerdict(run: failed, registered: 0, expected: 4) == .ended(failed))
        #expect(StartVerdict(run: failed, registered: 4, expected: 4) == .ended(failed))
        #expect(failed.endDescription == "exit status 1")
        #expect(run(.exited).endDescription == "a signal")
        #expect(run(.stopped).endDescription == "stopped")
    }
}
