import Foundation

/// `vigil top` (or another subcommand that opens it, `vigil demo`) in a real
/// terminal: a tmux server of the test's own (socket in the test's
/// directory) running a shell that records `stty -a`, runs the console,
/// records its exit status and `stty -a` again. Keys go in with
/// send-keys, the screen comes out with capture-pane. Stopped by pid.
final class TmuxConsole: @unchecked Sendable {
    let socket: String
    let directory: URL
    private(set) var serverPID: Int32 = 0

    init(scope: TestScope, subcommand: String = "top", arguments: [String], environment: [String: String] = [:],
         width: Int = 120, height: Int = 36) throws {
        directory = scope.directory.appendingPathComponent("tmux-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        socket = directory.appendingPathComponent("tmux.sock").path
        let exports = environment.map { "export \($0.key)='\($0.value)'; " }.joined()
        let command = ([Paths.vigil, subcommand] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let d = directory.path
        let script = "\(exports)stty -a > \(d)/stty.before; \(command) 2> \(d)/console.err; echo $? > \(d)/exit.tmp; "
            + "stty -a > \(d)/stty.tmp; mv \(d)/stty.tmp \(d)/stty.after; mv \(d)/exit.tmp \(d)/exit; exec sleep 3600"
        let started = runDaemonizing("/usr/bin/tmux", ["-S", socket, "new-session", "-d", "-s", "top", "-x", "\(width)",
                                                       "-y", "\(height)", "sh", "-c", script])
        guard started == 0 else { throw HarnessError.queryFailed("tmux new-session exited \(started)") }
        serverPID = Int32(try tmux(["display-message", "-p", "#{pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        scope.stopAfterwards { [self] in stop() }
    }

    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        let (status, output) = try runTool("/usr/bin/tmux", ["-S", socket] + arguments)
        guard status == 0 else { throw HarnessError.queryFailed("tmux \(arguments.joined(separator: " ")): \(output)") }
        return output
    }

    /// The screen as text, a line a row.
    func screen() -> String { (try? tmux(["capture-pane", "-p", "-t", "top"])) ?? "" }

    /// Waits until the screen shows `text`; the screen it ended with.
    @discardableResult
    func waitFor(_ text: String, timeout: Duration = .seconds(20)) async -> (found: Bool, screen: String) {
        var last = ""
        let found = await eventually(timeout: timeout, every: .milliseconds(100)) {
            last = screen()
            return last.contains(text)
        }
        return (found, last)
    }

    /// Keys as tmux names them ("Enter", "Escape", "Tab", "C-c").
    func keys(_ names: String...) throws { try tmux(["send-keys", "-t", "top"] + names) }

    /// Text typed literally.
    func type(_ text: String) throws { try tmux(["send-keys", "-t", "top", "-l", text]) }

    /// A `:` command, typed and entered.
    func command(_ text: String) throws {
        try keys(":")
        try type(text)
        try keys("Enter")
    }

    func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", "top", "-x", "\(width)", "-y", "\(height)"])
    }

    /// The console's pid: the pane shell's child running vigil.
    var consolePID: Int32? {
        guard let shell = Int32((try? tmux(["display-message", "-p", "-t", "top", "#{pane_pid}"]))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "") else { return nil }
        let children = (try? String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)) ?? ""
        return children.split(separator: " ").compactMap { Int32($0) }.first { pid in
            ((try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? "").hasPrefix(Paths.vigil)
        }
    }

    /// The console's exit status once it has ended.
    func exitStatus(timeout: Duration = .seconds(10)) async -> Int32? {
        let file = directory.appendingPathComponent("exit").path
        _ = await eventually(timeout: timeout) { FileManager.default.fileExists(atPath: file) }
        return (try? String(contentsOfFile: file, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// `stty -a` before the console ran and after it exited, the window size left out (a resize changes it).
    func terminalSettings() async -> (before: String, after: String) {
        let after = directory.appendingPathComponent("stty.after").path
        _ = await eventually(timeout: .seconds(5)) { FileManager.default.fileExists(atPath: after) }
        let read = { (name: String) in
            let text = (try? String(contentsOfFile: self.directory.appendingPathComponent(name).path, encoding: .utf8)) ?? ""
            return text.replacing(/rows \d+; columns \d+;/, with: "")
        }
        return (read("stty.before"), read("stty.after"))
    }

    var stderr: String { (try? String(contentsOf: directory.appendingPathComponent("console.err"), encoding: .utf8)) ?? "" }

    func stop() {
        if let pid = consolePID { kill(pid, SIGKILL) }
        if serverPID > 0 { kill(serverPID, SIGTERM) }
    }
}
