import ArgumentParser
import Foundation
import VigilAPIClient
import VigilCore

/// `vigil cordon NODE` / `vigil uncordon NODE`: keep launches off a node
/// (or let them back), recorded by the server so every launch sees it, and
/// under Slurm a drain (resume) in the scheduler too.
struct CordonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cordon", abstract: "Keep every launch off a node (running jobs are left alone).")
    @OptionGroup var target: CordonTarget

    func run() async throws { try await target.set(cordoned: true) }
}

struct UncordonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "uncordon", abstract: "Let launches choose a node again.")
    @OptionGroup var target: CordonTarget

    func run() async throws { try await target.set(cordoned: false) }
}

/// The node, and the server that records its cordon.
struct CordonTarget: ParsableArguments {
    @OptionGroup var api: APIOption
    @OptionGroup var token: TokenOption
    @Argument(help: "The node, as the server names it.") var node: String

    func validate() throws {
        guard SafeName.isValid(node) else { throw ValidationError("NODE must be \(SafeName.rule)") }
    }

    func set(cordoned: Bool) async throws {
        // Under Slurm the server drains or resumes first: a controller's own time-outs, and then some.
        let client = APIClient(address: api.address, timeout: .seconds(90))
        let answer = try await client.setCordoned(node, cordoned, token: try token.load())
        if api.json {
            print(String(decoding: try JSONEncoder().encode(answer), as: UTF8.self))
            return
        }
        print("\(answer.node) \(answer.cordoned ? "cordoned" : "uncordoned")\(answer.changed ? "" : " (already)")")
        if let note = answer.note { print("note: \(note)") }
    }
}
