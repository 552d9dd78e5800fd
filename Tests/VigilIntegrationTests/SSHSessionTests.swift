import Foundation
import Testing
import VigilSSH

/// libssh against real sshds on the namespace bench: commands with their
/// output and status, hostile arguments kept literal, every refusal the
/// launcher relies on, SFTP, timeouts and fan-out.
@Suite(.serialized)
struct SSHSessionTests {
    private func target(_ bench: ClusterBench, _ host: String = "node1", knownHosts: String? = nil,
                        identity: String? = nil, policy: HostKeyPolicy = .strict) -> SSHTarget {
        SSHTarget(host: host, configFile: bench.sshConfig, knownHostsFile: knownHosts, identityFile: identity,
                  hostKeyPolicy: policy, connectTimeout: .seconds(3))
    }

    private func connectError(_ target: SSHTarget) -> SSHError? {
        do {
            _ = try SSHSession(target)
            return nil
        } catch {
            return error
        }
    }

    @Test func runsCommandsAndKeepsHostileArgumentsLiteral() async throws {
        try await withScope("ssh-run") { scope in
            let bench = try scope.cluster(size: 2)
            let session = try SSHSession(target(bench))
            let hostname = try session.run(["hostname"])
            #expect(hostname.status == 0 && hostname.stdoutText == "node1\n")
            let failing = try session.run(["sh", "-c", "echo oops >&2; exit 3"])
            #expect(failing.status == 3 && failing.stderrText == "oops\n")

            let hostile = ["a;b", "$(touch /tmp/vigil-pwned)", "`id`", "it's", "\"quoted\"", "two words", "line\nbreak",
                           "", "*", "$HOME", "\\", "-n"]
            let echoed = try session.run(["printf", "%s\\0"] + hostile)
            #expect(echoed.status == 0)
            #expect(echoed.stdoutText.split(separator: "\0", omittingEmptySubsequences: false).dropLast().map(String.init)
                    == hostile, "every argument arrives as itself")
            #expect(!FileManager.default.fileExists(atPath: "/tmp/vigil-pwned"), "no argument ran as shell")
        }
    }

    @Test func refusesUnknownChangedAndUnauthorizedKeysAndBadHosts() async throws {
        try await withScope("ssh-refusals") { scope in
            let bench = try scope.cluster(size: 2)
            let empty = scope.directory.appendingPathComponent("empty_known_hosts").path
            try "".write(toFile: empty, atomically: true, encoding: .utf8)

            guard case .unknownHostKey(host: "node1", let fingerprint) = connectError(target(bench, knownHosts: empty)) else {
                Issue.record("an unknown host key is refused without accept-new")
                return
            }
            #expect(fingerprint.hasPrefix("SHA256:"))
            #expect(try String(contentsOfFile: empty, encoding: .utf8).isEmpty, "nothing recorded under strict")

            _ = try SSHSession(target(bench, knownHosts: empty, policy: .acceptNew))
            #expect(try String(contentsOfFile: empty, encoding: .utf8).contains("ssh-ed25519"), "accept-new records the key")
            _ = try SSHSession(target(bench, knownHosts: empty))  // now known, strict is enough

            // node1's address with node2's key: a changed key, refused under every policy.
            let lines = try String(contentsOfFile: bench.knownHosts, encoding: .utf8).split(separator: "\n")
            let node2Key = try #require(lines.first { $0.hasPrefix(bench.address(2) + " ") }).split(separator: " ")[1...]
            let forged = scope.directory.appendingPathComponent("forged_known_hosts").path
            try "\(bench.address(1)) \(node2Key.joined(separator: " "))\n".write(toFile: forged, atomically: true, encoding: .utf8)
            for policy in HostKeyPolicy.allCases {
                guard case .changedHostKey(host: "node1", _) = connectError(target(bench, knownHosts: forged, policy: policy)) else {
                    Issue.record("a changed host key is refused under \(policy)")
                    continue
                }
            }

            let stranger = scope.directory.appendingPathComponent("stranger").path
            #expect(try ClusterBench.keygen(stranger) == 0)
            guard case .authentication(host: "node1", _) = connectError(target(bench, identity: stranger)) else {
                Issue.record("a key the host does not authorize is refused")
                return
            }

            let unreachable = SSHTarget(host: "\(ClusterBench.net).99", knownHostsFile: bench.knownHosts,
                                        identityFile: bench.identity, connectTimeout: .seconds(1))
            guard case .connect(host: "\(ClusterBench.net).99", _) = connectError(unreachable) else {
                Issue.record("an unreachable host is a connect error")
                return
            }
            guard case .invalidHost = connectError(target(bench, "node1;reboot")) else {
                Issue.record("a host name with shell syntax is refused before connecting")
                return
            }
        }
    }

    /// No key file anywhere in the config: the key comes from ssh-agent.
    @Test func logsInWithSSHAgent() async throws {
        try await withScope("ssh-agent") { scope in
            let bench = try scope.cluster(size: 1)
            let socket = scope.directory.appendingPathComponent("agent.sock").path
            let agent = try ChildProcess("/usr/bin/ssh-agent", ["-D", "-a", socket], outputDirectory: scope.directory,
                                         label: "ssh-agent")
            scope.stopAfterwards { await agent.stop() }
            #expect(await eventually(timeout: .seconds(5)) { FileManager.default.fileExists(atPath: socket) })
            let add = try ChildProcess("/usr/bin/ssh-add", [bench.identity], environment: ["SSH_AUTH_SOCK": socket],
                                       outputDirectory: scope.directory, label: "ssh-add")
            #expect(await add.wait(timeout: .seconds(10)) == 0, "\(add.stderr)")
            let config = scope.directory.appendingPathComponent("agent_ssh_config").path
            try """
                Host node1
                    HostName \(bench.address(1))
                    User root
                    UserKnownHostsFile \(bench.knownHosts)
                """.write(toFile: config, atomically: true, encoding: .utf8)
            setenv("SSH_AUTH_SOCK", socket, 1)
            defer { unsetenv("SSH_AUTH_SOCK") }
            let session = try SSHSession(SSHTarget(host: "node1", configFile: config, connectTimeout: .seconds(3)))
            #expect(try session.run(["hostname"]).stdoutText == "node1\n")
        }
    }

    @Test func aCommandPastItsTimeoutIsKilled() async throws {
        try await withScope("ssh-timeout") { scope in
            let bench = try scope.cluster(size: 1)
            let session = try SSHSession(target(bench))
            let marker = "vigil-timeout-\(UUID().uuidString)"
            do {
                _ = try session.run(["sh", "-c", "exec sleep 300 # \(marker)"], timeout: .milliseconds(500))
                Issue.record("expected a timeout")
            } catch {
                #expect(error as? SSHError == .timeout(host: "node1", after: .milliseconds(500), what: "command"))
            }
            let checker = try SSHSession(target(bench))
            let gone = await eventually(timeout: .seconds(10)) {
                (try? checker.run(["pgrep", "-f", marker]))?.status == 1
            }
            #expect(gone, "the remote command was killed")
        }
    }

    @Test func uploadsOverSFTPAndFansOut() async throws {
        try await withScope("ssh-sftp") { scope in
            let bench = try scope.cluster(size: 3)
            let local = scope.directory.appendingPathComponent("payload").path
            let payload = (0..<200_000).map { String($0 % 10) }.joined()
            try payload.write(toFile: local, atomically: true, encoding: .utf8)
            let remote = scope.directory.appendingPathComponent("payload-copy").path  // /tmp is shared by the hosts
            try SSHSession(target(bench)).upload(local, to: remote, mode: 0o750)
            #expect(try String(contentsOfFile: remote, encoding: .utf8) == payload)
            let mode = try FileManager.default.attributesOfItem(atPath: remote)[.posixPermissions] as? Int
            #expect(mode == 0o750)

            let config = bench.sshConfig
            let results = await SSHFanOut.run(bench.hosts + ["node9"], limit: 2) { host in
                try SSHSession(SSHTarget(host: host, configFile: config, connectTimeout: .seconds(2))).run(["hostname"]).stdoutText
            }
            #expect(results.map(\.host) == ["node1", "node2", "node3", "node9"])
            #expect(results.prefix(3).map { try? $0.result.get() } == ["node1\n", "node2\n", "node3\n"])
            #expect((try? results[3].result.get()) == nil, "a host that is not there fails alone")
        }
    }
}

extension ClusterBench {
    /// A fresh ed25519 key pair at `path`; the exit status of ssh-keygen.
    static func keygen(_ path: String) throws -> Int32 {
        try runTool("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path]).status
    }
}
