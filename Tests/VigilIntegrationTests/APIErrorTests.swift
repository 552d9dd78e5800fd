import Foundation
import Testing

/// The read API refuses what it does not serve, in JSON, and keeps serving.
@Suite(.serialized)
struct APIErrorTests {
    @Test func badRequestsGetClearErrors() async throws {
        try await withScope("api-errors") { scope in
            let server = try await scope.server()
            let missingJob = try await server.cli(["collectives", "--job", "no-such-job"])
            #expect(missingJob.status == 0 && missingJob.out.hasPrefix("RANK"), "an unknown job has no collectives")
            for (path, code, message) in [
                ("/v1/nope", "404", "no such resource: /v1/nope"),
                ("/v1/collectives", "400", "job is required"),
                ("/v1/ranks?since=-1", "400", "since must be a non-negative integer (ns)"),
            ] {
                let client = try RawSocket.tcp(port: server.apiPort)
                client.send(Array("GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
                let reply = String(decoding: try #require(client.readToEnd()), as: UTF8.self)
                #expect(reply.hasPrefix("HTTP/1.1 \(code)"), "\(path): \(reply)")
                #expect(reply.contains("{\"error\":\"\(message)\"}"), "\(path): \(reply)")
            }
            let post = try RawSocket.tcp(port: server.apiPort)
            post.send(Array("POST /v1/ranks HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}".utf8))
            #expect(String(decoding: try #require(post.readToEnd()), as: UTF8.self).hasPrefix("HTTP/1.1 405"))
            let health = try await server.cli(["nodes", "--json"])
            #expect(health.status == 0 && health.out.contains("\"items\":[]"), "\(health.out)")
        }
    }

    @Test func cordoningNeedsTheTokenAndIsRecorded() async throws {
        try await withScope("api-cordon") { scope in
            let server = try await scope.server()
            let anonymous = try RawSocket.tcp(port: server.apiPort)
            anonymous.send(Array("POST /v1/nodes/node-7/cordon HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer guess\r\n\r\n".utf8))
            let refused = String(decoding: try #require(anonymous.readToEnd()), as: UTF8.self)
            #expect(refused.hasPrefix("HTTP/1.1 401") && refused.contains("send the shared token"), "\(refused)")

            let cordon = try await server.cli(["cordon", "node-7", "--token-file", server.tokenFile])
            #expect(cordon.status == 0 && cordon.out == "node-7 cordoned\n", "\(cordon.out)\(cordon.err)")
            let again = try await server.cli(["cordon", "node-7", "--token-file", server.tokenFile])
            #expect(again.out == "node-7 cordoned (already)\n")
            let nodes = try await server.cli(["nodes"])
            #expect(nodes.out.contains("node-7  cordoned"), "\(nodes.out)")
            let uncordon = try await server.cli(["uncordon", "node-7", "--token-file", server.tokenFile])
            #expect(uncordon.status == 0 && uncordon.out == "node-7 uncordoned\n")
            #expect(try await server.store().nodes().map(\.cordoned) == [false])
        }
    }
}
