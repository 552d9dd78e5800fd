import ArgumentParser
import Foundation

/// `vigil demo`: what `make demo` runs (scripts/demo.sh), from the source
/// tree this binary was built in.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "The whole product in one command: 4 hosts and a spare, a job over ssh, a fault, detection, restart, goodput.",
        discussion: """
            Needs root (network namespaces) and the source tree vigil was built in: it runs its scripts/demo.sh. \
            Without namespaces it shows one loopback agent instead, and says so. Quitting, Ctrl-C or a failure \
            removes every process, namespace and file it made.
            """)

    enum Fault: String, ExpressibleByArgument, CaseIterable {
        case hang, crash, slow, link, node, none
    }

    @Option(help: "The fault injected on node3 after the healthy period: hang, crash, slow, link, node or none.")
    var fault: Fault = .crash

    @Option(help: ArgumentHelp("How long the job trains before the fault (5-600).", valueName: "seconds"))
    var healthy = 15

    @Flag(help: "Print the story as lines instead of opening vigil top (where it shows as notes over the views).")
    var headless = false

    func validate() throws {
        guard (5...600).contains(healthy) else { throw ValidationError("--healthy must be 5 to 600 seconds") }
    }

    func run() throws {
        let binary = LaunchCommand.thisBinary
        guard let root = Self.sourceTree(of: binary) else {
            throw ValidationError("vigil demo runs from the source tree vigil was built in; no scripts/demo.sh above \(binary) (try make demo)")
        }
        let agents = ProcessInfo.processInfo.environment["VIGIL_AGENTS_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? root + "/.build/agents"
        let arguments = ["bash", root + "/scripts/demo.sh", binary, agents, "--fault", fault.rawValue, "--healthy", "\(healthy)"]
            + (headless ? ["--headless"] : [])
        setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 0)
        setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 0)
        let argv = arguments.map { strdup($0) } + [nil]
        execv("/bin/bash", argv)
        throw ValidationError("cannot run /bin/bash: \(String(cString: strerror(errno)))")
    }

    /// The directory above `binary` (at most 5 levels) holding scripts/demo.sh.
    static func sourceTree(of binary: String) -> String? {
        var directory = URL(fileURLWithPath: binary).deletingLastPathComponent()
        for _ in 0..<5 {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("scripts/demo.sh").path) { return directory.path }
            directory.deleteLastPathComponent()
        }
        return nil
    }
}
