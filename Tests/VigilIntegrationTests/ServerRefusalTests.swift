import Foundation
import NIOCore
import Testing
import VigilCore
import VigilWire

/// Bad input to the server: each gets a clear refusal (or, when the peer
/// has already gone, a log line), the connection is closed, and a good
/// agent is still served throughout.
@Suite(.serialized)
struct ServerRefusalTests {
    private func frameBytes(_ frames: [Frame]) -> [UInt8] {
        var out = ByteBuffer()
        for frame in frames { FrameEncoder.write(frame, into: &out) }
        return Array(out.readableBytesView)
    }

    private func token(_ server: ServerHarness) throws -> [UInt8] {
        Array(try String(contentsOfFile: server.tokenFile, encoding: .utf8).trimmingCharacters(in: .newlines).utf8)
    }

    /// The refusal the server ended with (after a welcome, if it got that far).
    private func refusal(in reply: [UInt8]) -> Refusal? {
        var buffer = ByteBuffer(bytes: reply)
        var last: Frame?
        while let frame = try? FrameDecoder.next(from: &buffer, maxLength: 1 << 20) { last = frame }
        return last.flatMap { try? Refusal(frame: $0) }
    }

    @Test func hostileAgentsAreRefusedOthersKeepBeingServed() async throws {
        try await withScope("server-refusal") { scope in
            let server = try await scope.server()
            _ = try await scope.agent(arguments: server.agentArguments(node: "good"))
            let secret = try token(server)
            let hello = AgentHello(node: "bad", instance: 1, token: secret).frame
            var lying = TelemetryBatch(seq: 1, items: []).frame
            lying.payload = ByteBuffer(bytes: [1, 1, 2, 3] + Array("job".utf8))  // a rank item cut after its job
            let outOfRange = Fixture.rankBeyondWorld

            let cases: [(String, [UInt8], Refusal.Code?, String)] = [
                ("garbage", Array("GET / HTTP/1.1\r\n\r\n".utf8), .tooLarge, "exceeds the 1048576-byte limit"),
                ("oversize length", [0xFF, 0xFF, 0xFF, 0x7F, 1], .tooLarge, "exceeds"),
                ("wrong token", frameBytes([AgentHello(node: "bad", instance: 1, token: Array("nope".utf8)).frame]),
                 .badToken, "wrong token"),
                ("wrong version", frameBytes([AgentHello(version: 9, node: "bad", instance: 1, token: secret).frame]),
                 .unsupportedVersion, "server speaks protocol \(WireProtocol.version), agent 9"),
                ("batch before hello", frameBytes([TelemetryBatch(seq: 1, items: []).frame]), .malformed, "expected hello"),
                ("malformed batch", frameBytes([hello, lying]), .malformed, "truncated"),
                ("out-of-range fields", frameBytes([hello, outOfRange.frame]), .malformed, "rank (not below world size)"),
            ]
            for (name, bytes, code, reason) in cases {
                let client = try RawSocket.tcp(port: server.port)
                client.send(bytes)
                let reply = try #require(client.readToEnd(), "\(name): connection not closed")
                let refused = refusal(in: reply)
                #expect(refused?.code == code, "\(name): got \(String(describing: refused))")
                #expect(refused?.reason.contains(reason) == true, "\(name): '\(refused?.reason ?? "-")'")
            }

            // A frame cut off by the peer: nobody to answer, but it is logged.
            let cut = try RawSocket.tcp(port: server.port)
            cut.send(frameBytes([hello]) + [10, 0, 0, 0, 16, 1])
            cut.finishSending()
            #expect(cut.readToEnd() != nil)

            let store = try server.store()
            let served = await eventually(timeout: .seconds(10), every: .milliseconds(200)) {
                ((try? await store.nodes()) ?? []).first { $0.name == "good" }.map { $0.lastBatch > 3 } ?? false
            }
            #expect(served, "the good agent kept streaming")
            #expect(((try? await store.nodes()) ?? []).allSatisfy { $0.name != "bad" || $0.lastBatch == 0 },
                    "nothing from a refused connection was stored")
            let log = server.process!.stderr
            #expect(log.components(separatedBy: "refused agent").count - 1 >= cases.count, "each refusal is logged")
        }
    }
}

enum Fixture {
    static var rankBeyondWorld: TelemetryBatch {
        let snapshot = RankSnapshot(
            identity: RankIdentity(job: "j", rank: 9, worldSize: 4, pid: 1, host: "h"), status: .running,
            exitStatus: nil, counters: RingCounters(), blocked: nil, progress: [])
        return TelemetryBatch(seq: 1, items: [.rank(snapshot)])
    }
}
