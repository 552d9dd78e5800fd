import Foundation
import Testing

/// Agents and server over TLS: an agent that trusts the server's CA
/// streams; one without TLS or trusting another CA is turned away with a
/// log line on the side that can tell, and nothing of it is stored.
@Suite(.serialized)
struct ServerTLSTests {
    @Test func onlyAgentsThatVerifyTheServerAreServed() async throws {
        try await withScope("server-tls") { scope in
            let pki = try TestPKI(directory: scope.directory)
            let server = try await scope.server(arguments: ["--tls-cert", pki.serverCertificate, "--tls-key", pki.serverKey])
            _ = try await scope.agent(named: "trusting",
                                      arguments: server.agentArguments(node: "trusting") + ["--tls-ca", pki.ca])
            let plain = try await scope.agent(named: "plain", arguments: server.agentArguments(node: "plain"))
            let misled = try await scope.agent(named: "misled",
                                               arguments: server.agentArguments(node: "misled") + ["--tls-ca", pki.otherCA])

            let store = try server.store()
            let served = await eventually(timeout: .seconds(15), every: .milliseconds(200)) {
                ((try? await store.nodes()) ?? []).first { $0.name == "trusting" }.map { $0.lastBatch >= 3 } ?? false
            }
            #expect(served, "the agent that trusts the server's CA streams over TLS")
            let refusedLogged = await eventually(timeout: .seconds(15), every: .milliseconds(200)) {
                server.process!.stderr.contains("TLS with agent failed")
                    && misled.process!.stderr.contains("CERTIFICATE_VERIFY_FAILED")
            }
            #expect(refusedLogged, "server: \(server.process!.stderr.suffix(600)) misled: \(misled.process!.stderr.suffix(600))")
            #expect(plain.process!.stderr.contains("server connection lost"))
            let names = Set(((try? await store.nodes()) ?? []).filter { $0.lastBatch > 0 }.map(\.name))
            #expect(names == ["trusting"], "nothing from an agent without verified TLS is stored")

            server.process!.signal(SIGTERM)
            let status = await server.process!.wait(timeout: .seconds(10))
            #expect(status == 0, "SIGTERM is a clean stop: \(String(describing: status)) \(server.process!.stderr.suffix(400))")
        }
    }
}

/// A throwaway CA, a server certificate it signed for 127.0.0.1, and an
/// unrelated CA: made with the openssl CLI in the test's directory.
struct TestPKI {
    let ca: String
    let otherCA: String
    let serverCertificate: String
    let serverKey: String

    init(directory: URL) throws {
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        (ca, otherCA, serverCertificate, serverKey) = (path("ca.pem"), path("other-ca.pem"), path("server.pem"), path("server.key"))
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try Self.openssl(["req", "-x509"] + ec + ["-keyout", path("ca.key"), "-out", ca, "-days", "1", "-subj", "/CN=vigil test CA"])
        try Self.openssl(["req", "-x509"] + ec + ["-keyout", path("other-ca.key"), "-out", otherCA, "-days", "1",
                                                  "-subj", "/CN=another CA"])
        try Self.openssl(["req"] + ec + ["-keyout", serverKey, "-out", path("server.csr"), "-subj", "/CN=vigil server"])
        try "subjectAltName=IP:127.0.0.1\n".write(toFile: path("san.ext"), atomically: true, encoding: .utf8)
        try Self.openssl(["x509", "-req", "-in", path("server.csr"), "-CA", ca, "-CAkey", path("ca.key"),
                          "-CAcreateserial", "-out", serverCertificate, "-days", "1", "-extfile", path("san.ext")])
    }

    private static func openssl(_ arguments: [String]) throws {
        guard try runTool("/usr/bin/openssl", arguments).status == 0 else {
            throw HarnessError.queryFailed("openssl \(arguments.joined(separator: " "))")
        }
    }
}
