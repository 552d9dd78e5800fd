import Testing
import VigilCore

/// The rendered tables are the operator's interface: snapshot-tested.
struct AgentReportTableTests {
    @Test func rendersRanksAndCommunicators() {
        func telemetry(rank: Int, pid: Int32) -> RankTelemetry {
            var t = RankTelemetry(identity: RankIdentity(job: "train", rank: rank, worldSize: 2, pid: pid, host: "n1"),
                                  flightRecorderDepth: 4)
            for seq in 1...3 {
                t.apply(CollectiveRecord(op: seq == 3 ? .barrier : .allreduce, communicator: 1, seq: UInt64(seq),
                                         enterNs: 0, exitNs: 1_500, communicatorSize: 2))
            }
            t.counters = RingCounters(consumed: 3, pending: 0, dropped: UInt64(rank * 5))
            return t
        }
        var blocked = telemetry(rank: 1, pid: 101)
        blocked.blocked = BlockedCall(op: .allreduce, communicator: 1, seq: 4, sinceNs: 1_000_000_000)
        var ended = telemetry(rank: 0, pid: 100)
        ended.status = .died
        ended.exitStatus = 137
        let report = AgentReport(host: "n1", agentPid: 9, takenAtNs: 3_500_000_000,
                                 ranks: [AgentReport.Rank(blocked), AgentReport.Rank(ended)])
        #expect(report.renderTables() == """
            JOB    RANK  PID  STATUS     RECORDS  DROPPED  PENDING  BLOCKED IN            FOR
            train     0  100  died(137)        3        0        0  -                       -
            train     1  101  running          3        5        0  allreduce #4 on 0x1  2.5s

            COMMUNICATOR  SIZE  LOCAL  RECORDS  SEQ LEFT  MISSING  MEAN IN CALL  OPS
            0x1              2      2        6  3               0         1.5µs  allreduce=4 barrier=2

            """)
    }

    @Test func saysSoWhenNoRankIsRegistered() {
        let report = AgentReport(host: "n1", agentPid: 9, takenAtNs: 0, ranks: [])
        #expect(report.renderTables() == "no ranks registered with the agent on n1\n")
    }
}
