import Testing
import VigilCore

struct AgentRequestTests {
    @Test func parsesAHello() throws {
        let request = try AgentRequest(line: "HELLO 1 pid=42 rank=3 size=8 job=job-7.a host=node01")
        #expect(request == .hello(RankIdentity(job: "job-7.a", rank: 3, worldSize: 8, pid: 42, host: "node01")))
        let restarted = try AgentRequest(line: "HELLO 1 pid=42 rank=3 size=8 job=j host=node01 attempt=3")
        #expect(restarted == .hello(RankIdentity(job: "j", rank: 3, worldSize: 8, pid: 42, host: "node01", attempt: 3)))
    }

    @Test func parsesRanksAndRecords() throws {
        #expect(try AgentRequest(line: "RANKS") == .ranks)
        #expect(try AgentRequest(line: "RECORDS") == .records)
    }

    @Test(arguments: [
        ("", AgentRequestError.empty),
        ("GOODBYE", .unknownVerb("GOODBYE")),
        ("RANKS now", .malformed("RANKS takes no arguments")),
        ("RECORDS 3", .malformed("RECORDS takes no arguments")),
        ("HELLO", .malformed("HELLO needs a protocol version")),
        ("HELLO 2 pid=1 rank=0 size=1 job=j host=h", .unsupportedVersion("2")),
        ("HELLO 1 pid=1 rank=0 size=1 job=j", .malformed("missing field host")),
        ("HELLO 1 pid=0 rank=0 size=1 job=j host=h", .malformed("pid=0 is not in 1...2147483647")),
        ("HELLO 1 pid=1 rank=4 size=4 job=j host=h", .malformed("rank=4 is not in 0...3")),
        ("HELLO 1 pid=1 rank=-1 size=4 job=j host=h", .malformed("rank=-1 is not in 0...3")),
        ("HELLO 1 pid=x rank=0 size=1 job=j host=h", .malformed("pid=x is not in 1...2147483647")),
        ("HELLO 1 pid=1 rank=0 size=1 job=../etc host=h", .malformed("job must be 1-63 characters of [A-Za-z0-9._-]")),
        ("HELLO 1 pid=1 rank=0 size=1 job=.. host=h", .malformed("job must be 1-63 characters of [A-Za-z0-9._-]")),
        ("HELLO 1 pid=1 rank=0 size=1 job=j host=h;rm", .malformed("host must be 1-63 characters of [A-Za-z0-9._-]")),
        ("HELLO 1 pid=1 pid=2 rank=0 size=1 job=j host=h", .malformed("duplicate field pid")),
        ("HELLO 1 pid=1 rank=0 size=1 job=j host=h color=red", .malformed("unknown field color")),
        ("HELLO 1 pid=1 rank=0 size=1 job=j host=h attempt=0", .malformed("attempt=0 is not in 1...1000000")),
        ("HELLO 1 pid rank=0", .malformed("expected key=value, got 'pid'")),
    ])
    func refusesMalformedRequests(line: String, expected: AgentRequestError) {
        #expect(throws: expected) { try AgentRequest(line: line) }
    }

    @Test func refusesOverlongNames() {
        let job = String(repeating: "j", count: 64)
        #expect(throws: AgentRequestError.malformed("job must be 1-63 characters of [A-Za-z0-9._-]")) {
            try AgentRequest(line: "HELLO 1 pid=1 rank=0 size=1 job=\(job) host=h")
        }
    }

    @Test func errorsReadAsSentences() {
        #expect(AgentRequestError.unknownVerb("X").description == "unknown request 'X' (expected HELLO, RANKS or RECORDS)")
        #expect(AgentRequestError.tooLong.description == "request longer than 65536 bytes")
    }
}
