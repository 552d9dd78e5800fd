import Foundation
import Testing
import VigilCore

/// `vigil top` in a real terminal (tmux) against a real server, agent and
/// MPI job: what an operator sees and does, and that the terminal is
/// always given back as it was.
@Suite(.serialized)
struct ConsoleTerminalTests {
    static let train = ["--steps", "100000000", "--compute-us", "3000", "--log-every", "100000000"]

    @Test func anOperatorWatchesAJobFindsTheHangAndCordonsItsNode() async throws {
        try await withScope("console-job") { scope in
            let server = try await scope.server()
            let agent = try await scope.agent(arguments: server.agentArguments(node: "node1"))
            _ = try scope.job(ranks: 4, Self.train, environment: agent.rankEnvironment)
            let store = try server.store()
            var ranks: [StoredRank] = []
            let running = await eventually(timeout: .seconds(40), every: .milliseconds(200)) {
                ranks = (try? await store.ranks()) ?? []
                return ranks.count == 4 && ranks.allSatisfy { $0.snapshot.counters.consumed > 20 }
            }
            try #require(running, "the job's ranks never reported")
            let job = ranks[0].snapshot.identity.job
            let console = try TmuxConsole(scope: scope, arguments: ["--api", "127.0.0.1:\(server.apiPort)",
                                                                    "--token-file", server.tokenFile])

            // The overview shows the job running on its node.
            var (shown, screen) = await console.waitFor("\(job) ")
            #expect(shown, "the job is not on the overview:\n\(screen)")
            (shown, screen) = await console.waitFor("running")
            #expect(shown, "\(screen)")

            // Views switch with their keys.
            for (key, title) in [("2", "RANKS"), ("3", "NODES"), ("4", "COLLECTIVES"), ("5", "LINKS"), ("7", "TIMELINE"),
                                 ("8", "RUNS"), ("?", "HELP"), ("1", "JOBS")] {
                try console.keys(key)
                (shown, screen) = await console.waitFor("─ \(title) ")
                #expect(shown, "key \(key) did not open \(title):\n\(screen)")
            }
            try console.keys("4")
            (shown, screen) = await console.waitFor("allreduce")
            #expect(shown, "the collectives view has the job's allreduce:\n\(screen)")

            // The filter keeps matching rows.
            try console.keys("7")
            await console.waitFor("agent.connected")
            try console.keys("/")
            try console.type("nothing-like-this")
            (shown, screen) = await console.waitFor("nothing matches /nothing-like-this")
            #expect(shown, "\(screen)")
            try console.keys("Escape")
            (shown, screen) = await console.waitFor("agent.connected")
            #expect(shown, "Esc drops the filter:\n\(screen)")

            // A stopped rank: the hang shows up, and its evidence opens.
            let victim = try #require(ranks.first { $0.snapshot.identity.rank == 2 }).snapshot.identity.pid
            kill(victim, SIGSTOP)
            defer { kill(victim, SIGCONT) }
            try console.keys("6")
            (shown, screen) = await console.waitFor("non-communication-hang", timeout: .seconds(30))
            #expect(shown, "the hang is not listed:\n\(screen)")
            try console.keys("g", "Enter")
            (shown, screen) = await console.waitFor("who entered when, who never arrived")
            #expect(shown, "the evidence did not open:\n\(screen)")
            #expect(screen.contains("CULPRIT node1 rank 2"), "\(screen)")
            #expect(screen.contains("stopped") && screen.contains("waiting"), "members drawn:\n\(screen)")
            kill(victim, SIGCONT)

            // A cordon asks, is recorded, and the store has it.
            try console.keys("Escape", "3")
            try console.command("cordon node1")
            (shown, screen) = await console.waitFor("Cordon node1? Launches will keep off it. [y/N]")
            #expect(shown, "\(screen)")
            try console.keys("y")
            (shown, screen) = await console.waitFor("cordoned node1 (recorded by the server)")
            #expect(shown, "\(screen)")
            #expect(try await store.nodes().first { $0.name == "node1" }?.cordoned == true)

            // Resized, it redraws to the new size.
            try console.resize(width: 90, height: 24)
            (shown, screen) = await console.waitFor(" 1 Home ")
            #expect(shown, "no narrow tab bar after the resize:\n\(screen)")
            #expect(screen.split(separator: "\n").allSatisfy { $0.count <= 90 })
            try console.resize(width: 120, height: 36)

            // The server dies: the console stays responsive and says stale; it recovers when the server is back.
            await server.kill9()
            (shown, screen) = await console.waitFor("STALE", timeout: .seconds(15))
            #expect(shown, "\(screen)")
            try console.keys("7")
            (shown, screen) = await console.waitFor("─ TIMELINE ")
            #expect(shown, "keys still work while the server is down:\n\(screen)")
            #expect(screen.contains("agent.connected"), "the last good data stays:\n\(screen)")
            try await server.start()
            (shown, screen) = await console.waitFor("events 0s old", timeout: .seconds(20))
            #expect(shown, "the console did not reconnect:\n\(screen)")

            // :q leaves the terminal as it found it.
            try console.keys(":", "q", "Enter")
            #expect(await console.exitStatus() == 0, "exit: \(console.stderr)")
            let stty = await console.terminalSettings()
            #expect(!stty.before.isEmpty && stty.before == stty.after, "before:\n\(stty.before)\nafter:\n\(stty.after)")
        }
    }

    @Test func aReadOnlyConsoleRefusesCordonsSurvivesResizesAndGivesTheTerminalBackOnSIGTERM() async throws {
        try await withScope("console-readonly") { scope in
            let server = try await scope.server()
            _ = try await scope.agent(arguments: server.agentArguments(node: "node7"))
            let console = try TmuxConsole(scope: scope, arguments: ["--api", "127.0.0.1:\(server.apiPort)", "--readonly",
                                                                    "--token-file", server.tokenFile, "--view", "nodes"])
            var (shown, screen) = await console.waitFor("node7")
            #expect(shown, "\(screen)")
            #expect(screen.contains("READ-ONLY"))
            try console.command("cordon node7")
            (shown, screen) = await console.waitFor("cordon refused: read-only console (--readonly)")
            #expect(shown, "\(screen)")
            #expect(try await server.store().nodes().first { $0.name == "node7" }?.cordoned == false)

            // A note written with the token is shown over every view, also by a console that may not change anything.
            let noteText = "fault drill: node7 stopped for five minutes — ✓"
            let written = try runTool(Paths.vigil, ["note", "--api", "127.0.0.1:\(server.apiPort)", "--token-file", server.tokenFile,
                                                    "--node", "node7", noteText])
            #expect(written.status == 0, "\(written.output)")
            (shown, screen) = await console.waitFor("ago · node7  \(noteText)")  // 0s or 1s ago, as the refresh falls
            #expect(shown, "no banner for the note:\n\(screen)")
            try console.keys("7")
            (shown, screen) = await console.waitFor("─ TIMELINE ")
            #expect(shown && screen.contains("NOTE "), "the banner stays over the timeline:\n\(screen)")
            let refused = try runTool(Paths.vigil, ["note", "--api", "127.0.0.1:\(server.apiPort)", "--token-file", server.tokenFile,
                                                    "two\nlines"])
            #expect(refused.status != 0 && refused.output.contains("one line of printable text"), "\(refused.output)")
            try console.keys("3")

            // A storm of resizes: no crash, and the last size is drawn.
            for step in 0..<30 { try console.resize(width: 70 + (step * 7) % 90, height: 16 + (step * 5) % 30) }
            try console.resize(width: 100, height: 30)
            (shown, screen) = await console.waitFor("node7")
            #expect(shown && console.consolePID != nil, "the console did not survive the resizes:\n\(screen)\n\(console.stderr)")
            #expect(screen.split(separator: "\n").first?.count ?? 0 <= 100)

            // A postmortem: the same store read directly, read-only, the server not asked.
            let postmortem = try TmuxConsole(scope: scope, arguments: ["--store", server.storePath, "--view", "nodes"])
            (shown, screen) = await postmortem.waitFor("node7")
            #expect(shown && screen.contains("store \(server.storePath) (read-only)"), "\(screen)\n\(postmortem.stderr)")
            #expect(screen.contains(noteText), "the store's note is on the postmortem's banner:\n\(screen)")
            try postmortem.command("cordon node7")
            (shown, screen) = await postmortem.waitFor("cordon refused: a store opened for a postmortem is read-only")
            #expect(shown, "\(screen)")
            try postmortem.keys("q")
            #expect(await postmortem.exitStatus() == 0, "exit: \(postmortem.stderr)")

            let pid = try #require(console.consolePID)
            kill(pid, SIGTERM)
            #expect(await console.exitStatus() == 0, "exit: \(console.stderr)")
            let stty = await console.terminalSettings()
            #expect(!stty.before.isEmpty && stty.before == stty.after, "before:\n\(stty.before)\nafter:\n\(stty.after)")
        }
    }

    @Test func aServerThatNeverAnswersNeverFreezesTheConsole() async throws {
        try await withScope("console-hung-server") { scope in
            let hung = try SilentListener()
            scope.stopAfterwards { hung.close() }
            let console = try TmuxConsole(scope: scope, arguments: ["--api", "127.0.0.1:\(hung.port)"])
            var (shown, screen) = await console.waitFor("did not answer within", timeout: .seconds(15))
            #expect(shown && screen.contains("STALE"), "\(screen)")
            let pressed = ContinuousClock.now
            try console.keys("3")
            (shown, screen) = await console.waitFor("─ NODES ", timeout: .seconds(5))
            #expect(shown, "keys work while every fetch hangs:\n\(screen)")
            print("console: a view switch drawn \(ContinuousClock.now - pressed) after the key, the server hung")
            try console.keys("q")
            #expect(await console.exitStatus() == 0, "exit: \(console.stderr)")
        }
    }

    @Test func controlCGivesTheTerminalBack() async throws {
        try await withScope("console-ctrl-c") { scope in
            let server = try await scope.server()
            let console = try TmuxConsole(scope: scope, arguments: ["--api", "127.0.0.1:\(server.apiPort)"])
            let (shown, screen) = await console.waitFor("summary 0s old")
            #expect(shown, "\(screen)")
            try console.keys("C-c")
            #expect(await console.exitStatus() == 0, "exit: \(console.stderr)")
            let stty = await console.terminalSettings()
            #expect(!stty.before.isEmpty && stty.before == stty.after, "before:\n\(stty.before)\nafter:\n\(stty.after)")
        }
    }
}
