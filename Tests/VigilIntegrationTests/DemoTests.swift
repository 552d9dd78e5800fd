import Foundation
import Testing

/// `vigil demo` (what `make demo` runs), headless: a crash on node3 is detected, the job
/// restarts on the spare from a checkpoint, goodput is printed, and the
/// demo leaves nothing behind: no process, namespace or file of its own.
@Suite(.serialized)
struct DemoTests {
    @Test func aCrashIsDetectedRestartedFromACheckpointAndCleanedUp() async throws {
        try await withScope("demo") { scope in
            let demo = try ChildProcess(Paths.vigil, ["demo", "--fault", "crash", "--headless"],
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
            let work = try #require(out.firstMatch(of: /cleaned up: processes, namespaces and (\/tmp\/vigil-demo\.[A-Za-z0-9]+)/)?.1,
                                    "\(out)")
            #expect(!FileManager.default.fileExists(atPath: String(work)), "its directory is gone")
            let namespaces = try runTool("/usr/bin/env", ["ip", "netns", "list"]).output
            #expect(!namespaces.contains("vd-"), "its namespaces are gone: \(namespaces)")
            let processes = try runTool("/usr/bin/pgrep", ["-af", "\(work)|vd-node"]).output
            #expect(processes.isEmpty, "its processes are gone: \(processes)")
        }
    }
}
