import Foundation
import Testing
import VigilCore
import VigilSSH

/// `vigil launch`, `vigil restart` and `vigil stop` through the server's
/// ssh backend across the namespace bench: a real job on four hosts with
/// its telemetry in the store, a restart without a host (its dry run first),
/// every refusal leaving nothing running, and hostile arguments arriving as
/// themselves.
@Suite(.serialized)
struct LaunchTests {
    private func stage(_ scope: TestScope, hosts: Int) async throws -> LaunchStage {
        try await scope.launchStage(hosts: hosts)
    }

    @Test func launchesAcrossFourHostsAndStopsEverywhere() async throws {
        try await withScope("launch") { scope in
            let stage = try await stage(scope, hosts: 4)
            let launched = try await stage.launch(hosts: "node1:2,node2:2,node3:2,node4:2", job: "train-4x2", extra: ["--min-nodes", "3"],
                                                  [Paths.vigilTrain, "--steps", "1000000", "--compute-us", "2000", "--p2p"])
            #expect(launched.status == 0, "\(launched.out)\(launched.err)")
            #expect(launched.out.contains("job train-4x2 attempt 1 on 4 hosts (8 ranks): running, every rank registered (ssh)"),
                    "\(launched.out)")
            let deployed = try stage.session("node3").run(["sh", "-c", #"cmp "$1" "$2" && ls "$3""#, "vigil-check", Paths.vigil,
                                                          stage.remoteDirectory + "/vigil", stage.remoteDirectory])
            #expect(deployed.status == 0 && deployed.stdoutText.contains("libvigil.so"), "--deploy copied vigil and libvigil")
            #expect(!deployed.stdoutText.contains("partial"), "no partial upload left")

            let store = try stage.server.store()
            let everyHost = await eventually(timeout: .seconds(60), every: .milliseconds(250)) {
                let ranks = (try? await store.ranks()) ?? []
                let busy = ranks.filter { $0.snapshot.identity.job == "train-4x2" && $0.snapshot.counters.consumed > 10 }
                return Set(busy.map(\.node)) == ["node1", "node2", "node3", "node4"] && busy.count == 8
            }
            #expect(everyHost, "telemetry from the 8 ranks on all four hosts reaches the store")
            let running = try await store.runs(job: "train-4x2")
            #expect(running.map(\.state) == [.running] && running.first?.node == "node1")
            let crossNode = await eventually(timeout: .seconds(10), every: .milliseconds(250)) {
                ((try? await store.links(job: "train-4x2", sinceNs: 0)) ?? []).contains { $0.from != $0.to && $0.bytes > 0 }
            }
            #expect(crossNode, "the halo exchange shows in the node × node link matrix")

            let again = try await stage.launch(hosts: "node1:1", job: "train-4x2", ["/bin/true"])
            #expect(again.status != 0 && again.err.contains("job train-4x2 attempt 1 is still running"), "\(again.err)")

            let token = ["--token-file", stage.server.tokenFile]
            let plan = try await stage.server.cli(["restart", "train-4x2", "--exclude", "node4", "--dry-run"] + token)
            #expect(plan.status == 0, "\(plan.out)\(plan.err)")
            #expect(plan.out.contains("attempt 2 started") && plan.out.contains("hosts:  node1:2,node2:2,node3:2")
                    && plan.out.contains("on the healthy hosts alone") && plan.out.contains("from scratch"), "\(plan.out)")
            #expect(try await store.runs(job: "train-4x2").map(\.state) == [.running], "a dry run changes nothing")

            let restarted = try await stage.server.cli(["restart", "train-4x2", "--exclude", "node4"] + token)
            #expect(restarted.status == 0, "\(restarted.out)\(restarted.err)")
            let moved = await eventually(timeout: .seconds(60), every: .milliseconds(250)) {
                let runs = (try? await store.runs(job: "train-4x2")) ?? []
                let ranks = ((try? await store.ranks()) ?? []).filter {
                    $0.snapshot.identity.job == "train-4x2" && $0.snapshot.identity.attempt == 2 && $0.snapshot.status == .running
                }
                return runs.map(\.state) == [.stopped, .running] && ranks.count == 6 && !ranks.contains { $0.node == "node4" }
            }
            #expect(moved, "attempt 1 stopped, attempt 2 runs its 6 ranks on node1-3")

            let stopped = try await stage.server.cli(["stop", "train-4x2", "--grace", "5"] + token)
            #expect(stopped.status == 0, "\(stopped.out)\(stopped.err)")
            #expect(stopped.out.contains("job train-4x2 attempt 2: stopped on all 3 hosts"), "\(stopped.out)")
            for host in stage.bench.hosts {
                #expect(try stage.processes("[v]igil-train", on: host).isEmpty, "no rank left on \(host)")
            }
            #expect(try await store.runs(job: "train-4x2").map(\.state) == [.stopped, .stopped], "recorded as stopped")
            let events = try await stage.server.cli(["events"])
            for kind in ["agent.connected", "run.running", "run.stopped"] {
                #expect(events.out.contains(kind), "\(kind) in the timeline: \(events.out)")
            }
        }
    }

    @Test func refusalsLeaveNothingRunning() async throws {
        try await withScope("launch-refusals") { scope in
            let stage = try await stage(scope, hosts: 2)
            let empty = scope.directory.appendingPathComponent("empty_known_hosts").path
            try "".write(toFile: empty, atomically: true, encoding: .utf8)
            let forged = scope.directory.appendingPathComponent("forged_known_hosts").path
            let lines = try String(contentsOfFile: stage.bench.knownHosts, encoding: .utf8).split(separator: "\n")
            let node1Key = try #require(lines.first { $0.hasPrefix(stage.bench.address(1) + " ") }).split(separator: " ")[1...]
            try "\(stage.bench.address(2)) \(node1Key.joined(separator: " "))\n".write(toFile: forged, atomically: true, encoding: .utf8)
            let stranger = scope.directory.appendingPathComponent("stranger").path
            #expect(try ClusterBench.keygen(stranger) == 0)

            // node1 is fine each time: what this launch started there must be rolled back.
            let cases: [(String, String, [String], String)] = [
                ("unreachable host", "node1,\(ClusterBench.net).99", [], "\(ClusterBench.net).99: cannot connect"),
                ("wrong key", "node1,node2", ["--identity", stranger], "authentication failed"),
                ("unknown host key", "node1,node2", ["--known-hosts", empty], "is not in known_hosts"),
                ("changed host key", "node1,node2", ["--known-hosts", forged], "HOST KEY CHANGED"),
            ]
            for (name, hosts, ssh, reason) in cases {
                let refused = try await stage.launch(hosts: hosts, job: "refused", ssh: ssh, ["/bin/true"])
                #expect(refused.status != 0, "\(name): refused")
                #expect(refused.err.contains(reason), "\(name): \(refused.err)")
                #expect(try !stage.agentRuns(on: "node1"), "\(name): the agent started on node1 was rolled back")
            }
            #expect(try await stage.server.store().runs(job: "refused").isEmpty, "no run started")

            let cordon = try await stage.server.cli(["cordon", "node2", "--token-file", stage.server.tokenFile])
            #expect(cordon.status == 0)
            let cordoned = try await stage.launch(hosts: "node1,node2", job: "refused", ["/bin/true"])
            #expect(cordoned.status != 0 && cordoned.err.contains("cordoned, not launching there: node2"), "\(cordoned.err)")
            #expect(try !stage.agentRuns(on: "node1"), "the server refused: the agents this launch started were rolled back")

            let hostile = try await stage.launch(hosts: "node1;$(reboot)", job: "refused", ["/bin/true"])
            #expect(hostile.status != 0 && hostile.err.contains("is not a host name"), "\(hostile.err)")
        }
    }

    @Test func hostileArgumentsReachTheRanksAsThemselves() async throws {
        try await withScope("launch-arguments") { scope in
            let stage = try await stage(scope, hosts: 1)
            let marker = scope.directory.appendingPathComponent("pwned").path
            let hostile = ["a;b", "$(touch \(marker))", "`touch \(marker)`", "it's", "\"quoted\"", "two words",
                           "line\nbreak", "*", "$HOME"]
            let launched = try await stage.launch(hosts: "node1:1", job: "args", ["/usr/bin/printf", "[%s]"] + hostile)
            #expect(launched.status == 0, "\(launched.out)\(launched.err)")
            let store = try stage.server.store()
            let finished = await eventually(timeout: .seconds(30), every: .milliseconds(200)) {
                (try? await store.runs(job: "args"))?.first.map { $0.state == .exited && !$0.stdoutTail.isEmpty } ?? false
            }
            #expect(finished, "the run ended and its output reached the server")
            let run = try #require(try await store.runs(job: "args").first)
            #expect(run.exitStatus == 0)
            #expect(run.stdoutTail == hostile.map { "[\($0)]" }.joined(), "\(run.stdoutTail)")
            #expect(!FileManager.default.fileExists(atPath: marker), "no argument ran as shell")
            let logs = try await stage.server.cli(["logs", "args"])
            #expect(logs.out.contains("it's"), "\(logs.out)")
        }
    }

    /// mpirun ending before its ranks run is a failed launch with its output
    /// shown, and libssh stays quiet, even under an ssh config's `LogLevel DEBUG3`.
    @Test func aJobThatFailsAtOnceIsReportedWithItsOutput() async throws {
        try await withScope("launch-fails") { scope in
            let stage = try await stage(scope, hosts: 1)
            let loud = scope.directory.appendingPathComponent("loud_ssh_config").path
            let config = try String(contentsOfFile: stage.bench.sshConfig, encoding: .utf8)
            try config.replacing("Host *\n", with: "Host *\n    LogLevel DEBUG3\n")
                .write(toFile: loud, atomically: true, encoding: .utf8)
            let failed = try await stage.launch(hosts: "node1:1", job: "fails", ssh: ["--ssh-config", loud],
                                                ["sh", "-c", "echo boom >&2; exit 3"])
            #expect(failed.status == 1, "\(failed.out)\(failed.err)")
            #expect(!failed.out.contains("STARTED"), "\(failed.out)")
            #expect(failed.err.contains("attempt 1 on 1 hosts (1 ranks) failed: mpirun ended with exit status 3"), "\(failed.err)")
            #expect(failed.err.contains("--- last of its stderr ---") && failed.err.contains("boom"), "\(failed.err)")
            #expect(!failed.err.contains("ssh_connect") && !failed.err.contains("vigil.ssh"), "libssh is quiet: \(failed.err)")

            let loudLaunch = try await stage.launch(hosts: "node1:1", job: "fails", ssh: ["--ssh-config", loud, "--log-level", "debug"],
                                                    ["/bin/true"])
            #expect(loudLaunch.status == 0, "\(loudLaunch.out)\(loudLaunch.err)")
            #expect(loudLaunch.err.contains("debug vigil.ssh"), "--log-level debug shows libssh's lines: \(loudLaunch.err)")
            #expect(loudLaunch.out.contains("job fails attempt 2 on 1 hosts (1 ranks): ended at once, exit status 0"),
                    "the server numbered the next attempt: \(loudLaunch.out)")
        }
    }
}
