import Foundation
import Testing
import VigilCore

/// Bad input on the agent's socket gets a clear error and a closed
/// connection; the agent keeps serving everyone else.
@Suite(.serialized)
struct RegistrationRefusalTests {
    @Test func malformedRegistrationsAreRefusedAndTheAgentKeepsServing() async throws {
        try await withScope("refusal") { scope in
            let agent = try await scope.agent()
            let cases: [(request: [UInt8], answer: String)] = [
                (Array("HELLO 1 pid=1 rank=9 size=4 job=j host=h\n".utf8), "ERROR malformed request: rank=9 is not in 0...3"),
                (Array("HELLO 7 pid=1 rank=0 size=1 job=j host=h\n".utf8), "ERROR unsupported protocol version 7"),
                (Array("HELLO 1 pid=1 rank=0 size=1 job=$(reboot) host=h\n".utf8), "ERROR malformed request: job must be"),
                ([0xff, 0xfe, 0x00, 0x01, 0x0a], "ERROR unknown request"),
                (Array(repeating: UInt8(ascii: "A"), count: 70_000), "ERROR request longer than 65536 bytes"),
            ]
            for (request, answer) in cases {
                let client = try RawSocket.unix(agent.socket)
                client.send(request)
                let reply = client.readTextToEnd()
                #expect(reply.hasPrefix(answer), "sent \(request.prefix(40)), got '\(reply)'")
            }

            // A well-formed registration still works, under the pid the kernel
            // gives for the connection, whatever pid the request claims.
            let rank = try RawSocket.unix(agent.socket)
            rank.send("HELLO 1 pid=1 rank=0 size=1 job=good host=h\n")
            #expect(rank.readLine().hasPrefix("RING 1 path=\(agent.ringDirectory)/good.0.\(getpid()).ring capacity="))
            // ... and a second HELLO for the same pid is refused.
            let twin = try RawSocket.unix(agent.socket)
            twin.send("HELLO 1 pid=\(getpid()) rank=0 size=1 job=good host=h\n")
            #expect(twin.readTextToEnd().hasPrefix("ERROR pid \(getpid()) is already registered"))

            let report = try await agent.report()
            #expect(report.ranks.map(\.identity.job) == ["good"])
            let refusals = agent.process!.stderr.split(separator: "\n").filter { $0.contains("refused request") }
            #expect(refusals.count == cases.count + 1, "each refusal is logged")
        }
    }
}
