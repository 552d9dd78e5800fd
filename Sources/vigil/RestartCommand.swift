import ArgumentParser
import Foundation
import VigilCore
import VigilRecovery

/// `vigil restart JOB [--exclude NODE]…`: an operator's restart through the
/// server's recovery (docs/recovery.md): the latest attempt stopped, the
/// next started with a spare in each excluded node's place, from the newest
/// complete checkpoint. Outside the restart budget; nothing cordoned.
struct RestartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restart", abstract: "Restart a job from its newest complete checkpoint, without some nodes.")
    @OptionGroup var api: APIOption
    @OptionGroup var token: TokenOption
    @Argument(help: "The job.") var job: String
    @Option(help: "Run without this node: a spare takes its place (repeatable).") var exclude: [String] = []

    func validate() throws {
        guard SafeName.isValid(job) else { throw ValidationError("JOB must be \(SafeName.rule)") }
        if let bad = exclude.first(where: { !SafeName.isValid($0) }) { throw ValidationError("--exclude \(bad): not a node name") }
    }

    func run() async throws {
        let query = "job=\(job)" + (exclude.isEmpty ? "" : "&exclude=" + exclude.joined(separator: ","))
        let data = try await api.client.post("/v1/jobs/restart?\(query)", token: try token.load())
        if api.json {
            print(String(decoding: data, as: UTF8.self))
            return
        }
        let recovery = try JSONDecoder().decode(StoredRecovery.self, from: data)
        print("recovery \(recovery.id): " + recovery.why.joined(separator: "; "))
        print("follow it with: vigil recovery list --job \(job)")
    }
}
