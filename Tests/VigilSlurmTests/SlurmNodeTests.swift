import Testing
@testable import VigilSlurm

struct SlurmNodeTests {
    @Test func vigilsReasonRoundTrips() throws {
        let reason = SlurmDrainReason(incidentClass: "crash", incident: "42")
        #expect(reason.text == "vigil: crash incident 42")
        #expect(SlurmDrainReason(parsing: try #require(reason.text)) == reason)
    }

    @Test(arguments: ["maintenance", "vigil:crash incident 4", "vigil: crash incident", "vigil: crash incident 4 extra",
                      "Vigil: crash incident 4", "vigil: a;b incident 4", ""])
    func anyOtherReasonIsNotVigils(reason: String) {
        #expect(SlurmDrainReason(parsing: reason) == nil)
    }

    @Test func aReasonWithMoreThanWordsIsNeverWritten() {
        #expect(SlurmDrainReason(incidentClass: "crash\nState=RESUME", incident: "1").text == nil)
        #expect(SlurmDrainReason(incidentClass: "hang", incident: "1 2").text == nil)
    }

    @Test func sinfoLinesGiveStateFlagsAndReason() throws {
        let nodes = try SlurmNode.parse(sinfo: """
            node1|idle|none
            node2|drained|vigil: crash incident 7
            node3|down*|Not responding
            node4|draining|disk replacement | ticket 12
            node1|idle|none

            """)
        #expect(nodes.map(\.name) == ["node1", "node2", "node3", "node4"])
        #expect(nodes[0] == SlurmNode(name: "node1", state: "idle"))
        #expect(nodes[1].vigilDrain == SlurmDrainReason(incidentClass: "crash", incident: "7"))
        #expect(nodes[2].isDown && nodes[2].notResponding && nodes[2].state == "down" && nodes[2].vigilDrain == nil)
        #expect(nodes[3].isDrained && nodes[3].vigilDrain == nil && nodes[3].reason == "disk replacement | ticket 12")
    }

    @Test func somethingElseIsUnreadable() {
        #expect(throws: SlurmError.self) { try SlurmNode.parse(sinfo: "sinfo: error: something\n") }
    }

    @Test func aFailingCommandSaysWhetherTheControllerAnswered() {
        let down = SlurmCommand.failure("sbatch", .init(status: 1, stdout: "", stderr: """
            sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)
            """))
        #expect(down == .unreachable("sbatch: sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)"))
        let refused = SlurmCommand.failure("scontrol", .init(status: 1, stdout: "", stderr: "scontrol: error: Invalid node name specified\n"))
        #expect(refused == .refused(command: "scontrol", status: 1, message: "scontrol: error: Invalid node name specified"))
    }
}
