import Testing
@testable import VigilSlurm

struct SlurmJobStatusTests {
    @Test func scontrolLinesGiveStateExitAndOutput() throws {
        let ended = try SlurmJobStatus(scontrolLine: """
            JobId=12 JobName=vigil-train-a2 UserId=root(0) JobState=FAILED Reason=NonZeroExitCode Dependency=(null) \
            ExitCode=3:0 Command=/var/lib/vigil/vigil-attempt.sh mpirun --host a b StdOut=/shared/out/vigil-train-a2.12.out
            """)
        #expect(ended == SlurmJobStatus(state: "FAILED", exitStatus: 3, signal: 0, outputPath: "/shared/out/vigil-train-a2.12.out"))
        #expect(!ended.isActive && !ended.wasCancelled)
        let cancelled = try SlurmJobStatus(scontrolLine: "JobId=13 JobState=CANCELLED Reason=None ExitCode=0:15")
        #expect(cancelled.wasCancelled && cancelled.signal == 15)
        #expect(try SlurmJobStatus(scontrolLine: "JobId=14 JobState=RUNNING ExitCode=0:0").isActive)
    }

    @Test func aLineWithoutAStateIsUnreadable() {
        #expect(throws: SlurmError.self) { try SlurmJobStatus(scontrolLine: "slurm_load_jobs error: Invalid job id specified") }
    }

    @Test func anOperatorsCordonHasAReasonOfItsOwn() throws {
        #expect(SlurmDrainReason.operatorCordon.text == "vigil: operator-cordon")
        #expect(SlurmDrainReason(parsing: "vigil: operator-cordon") == .operatorCordon)
        #expect(SlurmDrainReason(parsing: "vigil: operator cordon") == nil)
    }
}
