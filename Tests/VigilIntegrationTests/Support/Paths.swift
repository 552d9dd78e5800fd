import Foundation

/// Where the built artifacts are: from the Makefile's environment, or next
/// to this package when tests run from `swift test` directly.
enum Paths {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static var vigil: String {
        ProcessInfo.processInfo.environment["VIGIL_BIN"]
            ?? packageRoot.appendingPathComponent(".build/debug/vigil").path
    }

    static var agentsDirectory: String {
        ProcessInfo.processInfo.environment["VIGIL_AGENTS_DIR"]
            ?? packageRoot.appendingPathComponent(".build/agents").path
    }

    static var libvigil: String { agentsDirectory + "/libvigil.so" }
    static var vigilTrain: String { agentsDirectory + "/vigil-train" }
    static var collectivesTour: String { agentsDirectory + "/vigil-collectives-tour" }
    /// Every family of MPI calls, for running with and without libvigil (agents/conformance).
    static var conformance: String { agentsDirectory + "/vigil-conformance" }
    /// Workloads shaped unlike vigil-train (agents/examples/*_train.c).
    static func workload(_ name: String) -> String { agentsDirectory + "/vigil-\(name)" }
    static var checkpointCheck: String { agentsDirectory + "/vigil-ckpt-check" }
    /// The Python binding (agents/python), run by Debian's python3 (deps installs mpi4py and numpy for it).
    static var pythonBinding: String { packageRoot.appendingPathComponent("agents/python").path }
    static let debianPython = "/usr/bin/python3"

    /// A fresh directory (under /tmp unless told), removed by the caller.
    static func temporaryDirectory(_ label: String, under parent: String = NSTemporaryDirectory()) throws -> URL {
        let url = URL(fileURLWithPath: parent)
            .appendingPathComponent("vigil-\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
