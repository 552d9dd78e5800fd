import Foundation
import Testing

/// The one config file as operators use it: `vigil config check` names
/// every mistake's line, and a real server takes its flags from the file,
/// then VIGIL_SERVER_*, then its command line, in that order of weight.
@Suite(.serialized)
struct ConfigTests {
    private func vigil(_ arguments: [String], environment: [String: String] = [:],
                       in scope: TestScope) async throws -> (status: Int32?, out: String, err: String) {
        let child = try ChildProcess(Paths.vigil, arguments, environment: environment, outputDirectory: scope.directory,
                                     label: "vigil-\(UUID().uuidString.prefix(8))")
        let status = await child.wait(timeout: .seconds(30))
        return (status, child.stdout, child.stderr)
    }

    @Test func checkNamesEveryMistakeWithItsLine() async throws {
        try await withScope("config-check") { scope in
            let file = scope.directory.appendingPathComponent("vigil.yaml").path
            try """
                server:
                  listen: nowhere
                  hang-floor: soon
                  recovery: automatic
                  bogus-flag: 3
                agent:
                  ring-capacity: 3
                console:
                  refresh: 999
                """.write(toFile: file, atomically: true, encoding: .utf8)
            let checked = try await vigil(["config", "check", file], in: scope)
            #expect(checked.status == 1)
            let lines = checked.err.split(separator: "\n").map(String.init)
            #expect(lines == [
                "\(file):2: server: --listen must be HOST:PORT, not 'nowhere'",
                "\(file):3: server: The value 'soon' is invalid for '--hang-floor <seconds>'",
                "\(file):5: server: Unknown option '--bogus-flag'",
                "\(file):7: agent: --ring-capacity must be at least 64",
                "\(file):9: console: refresh must be seconds from 0.2 to 60.0, not '999'",
            ], "\(checked.err)")

            let started = try await vigil(["server", "run", "--config", file], in: scope)
            #expect(started.status == 78 && started.err.contains("\(file):9: console: refresh"), "a daemon refuses it: \(started.err)")
        }
    }

    @Test func flagsBeatTheEnvironmentWhichBeatsTheFile() async throws {
        try await withScope("config-layers") { scope in
            let dir = scope.directory.path
            let token = dir + "/token"
            try "config-test-token\n".write(toFile: token, atomically: true, encoding: .utf8)
            let file = dir + "/vigil.yaml"
            try """
                server:
                  listen: 127.0.0.1:0
                  api: 127.0.0.1:0
                  store: \(dir)/vigil.sqlite
                  token-file: \(token)
                  port-file: \(dir)/port-from-file
                  api-port-file: \(dir)/api-port-from-file
                """.write(toFile: file, atomically: true, encoding: .utf8)
            let checked = try await vigil(["config", "check", file], in: scope)
            #expect(checked.status == 0 && checked.out == "\(file): ok\n", "\(checked.err)")

            let server = try ChildProcess(Paths.vigil, ["server", "run", "--port-file", dir + "/port-from-flag"],
                                          environment: ["VIGIL_CONFIG": file, "VIGIL_SERVER_API_PORT_FILE": dir + "/api-port-from-env"],
                                          outputDirectory: scope.directory, label: "server")
            scope.stopAfterwards { await server.stop() }
            let fm = FileManager.default
            let up = await eventually(timeout: .seconds(20), every: .milliseconds(100)) {
                fm.fileExists(atPath: dir + "/port-from-flag") && fm.fileExists(atPath: dir + "/api-port-from-env") || !server.isRunning
            }
            #expect(up && server.isRunning, "\(server.stderr)")
            #expect(fm.fileExists(atPath: dir + "/vigil.sqlite"), "the file gave the store")
            #expect(!fm.fileExists(atPath: dir + "/port-from-file"), "the flag beat the file")
            #expect(!fm.fileExists(atPath: dir + "/api-port-from-file"), "the environment beat the file")
        }
    }
}
