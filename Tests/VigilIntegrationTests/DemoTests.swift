import Foundation
import Testing

/// `vigil demo` (what `make demo` runs): a crash on node3 is detected, the
/// job restarts on the spare from a checkpoint, goodput is told, and the
/// demo leaves nothing behind: no process, namespace or file of its own.
/// Headless it prints the story; with a terminal `vigil top` shows it.
@Suite(.serialized)
struct DemoTests {
    @Test func aCrashIsDetectedRestartedFromACheckpointAndCleanedUp() async throws {
        try await withScope("demo") { scope in
            let demo = try ChildProcess(Paths.vigil, ["demo", "--fault", "crash", "--healthy", "8", "--headless"],
                                        environment: ["VIGIL_AGENTS_DIR": Paths.agentsDirectory],
                                        outputDirectory: scope.directory, label: "demo")
            scope.stopAfterwards { await demo.stop() }
            let status = await demo.wait(timeout: .seconds(240))
            let out = demo.stdout
            #expect(status == 0, "\(out)\(demo.stderr)")
            for line in ["FAULT: rank process", "INCIDENT rank-crash: node3 rank", "RECOVERY: cordon node3; restart on node1,node2,node5,node4",
                         "TRAINING AGAIN on attempt 2, resumed from step", "GOODPUT: ETTR"] {
                #expect(out.contains(line), "\(line) in: \(out)")
            }
            try Self.expectNothingLeft(out)
        }
    }

    /// In a terminal: vigil top opens on the job, the fault is announced over
    /// the view the moment it is injected, then the incident, training again
    /// and goodput, each as it happens; q ends the demo and it cleans up.
    @Test func theConsoleAnnouncesTheFaultAndTheRestart() async throws {
        try await withScope("demo-console") { scope in
            let demo = try TmuxConsole(scope: scope, subcommand: "demo", arguments: ["--fault", "crash", "--healthy", "8"],
                                       environment: ["VIGIL_AGENTS_DIR": Paths.agentsDirectory])
            var (shown, screen) = await demo.waitFor("─ JOBS ", timeout: .seconds(120))
            #expect(shown, "vigil top did not open:\n\(screen)")
            for (banner, timeout) in [("demo: FAULT: rank process", 60), ("demo: INCIDENT rank-crash: node3 rank", 30),
                                      ("demo: TRAINING AGAIN on attempt 2", 60), ("demo: GOODPUT: ETTR", 30)] {
                (shown, screen) = await demo.waitFor(banner, timeout: .seconds(timeout))
                #expect(shown && screen.contains(" NOTE "), "no banner \(banner):\n\(screen)")
            }
            // Newer notes pushed the fault off the banner; it stays on the timeline.
            try demo.keys("7", "/")
            try demo.type("FAULT")
            try demo.keys("Enter")
            let noted = await eventually(timeout: .seconds(10), every: .milliseconds(100)) {
                demo.screen().split(separator: "\n").contains { $0.contains(" note ") && $0.contains("demo: FAULT: rank process") }
            }
            #expect(noted, "the fault's note is on the timeline:\n\(demo.screen())")
            try demo.keys("q")
            #expect(await demo.exitStatus(timeout: .seconds(90)) == 0, "\(demo.screen())")
            (shown, screen) = await demo.waitFor("cleaned up: processes, namespaces and")
            #expect(shown, "\(screen)")
            try Self.expectNothingLeft(screen)
        }
    }

    /// The demo said where it worked; that directory, its namespaces and processes are gone.
    static func expectNothingLeft(_ out: String) throws {
        let work = try #require(out.firstMatch(of: /cleaned up: processes, namespaces and (\/tmp\/vigil-demo\.[A-Za-z0-9]+)/)?.1,
                                "\(out)")
        #expect(!FileManager.default.fileExists(atPath: String(work)), "its directory is gone")
        let namespaces = try runTool("/usr/bin/env", ["ip", "netns", "list"]).output
        #expect(!namespaces.contains("vd-"), "its namespaces are gone: \(namespaces)")
        let processes = try runTool("/usr/bin/pgrep", ["-af", "\(work)|vd-node"]).output
        #expect(processes.isEmpty, "its processes are gone: \(processes)")
    }
}
