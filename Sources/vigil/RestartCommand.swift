import ArgumentParser
import Foundation
import VigilCore
import VigilRecovery

/// `vigil restart JOB [--exclude NODE]… [--dry-run]`: an operator's restart
/// through the server's recovery (docs/recovery.md): the latest attempt
/// stopped, the next started with a spare in each excluded node's place,
/// from the newest complete checkpoint. Outside the restart budget; nothing
/// cordoned. `--dry-run` shows the plan and changes nothing.
struct RestartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restart", abstract: "Restart a job from its newest complete checkpoint, without some nodes.")
    @OptionGroup var api: APIOption
    @OptionGroup var token: TokenOption
    @Argument(help: "The job.") var job: String
    @Option(help: "Run without this node: a spare takes its place (repeatable).") var exclude: [String] = []
    @Flag(help: "Show the plan (hosts, spares, the checkpoint step) and change nothing.") var dryRun = false

    func validate() throws {
        guard SafeName.isValid(job) else { throw ValidationError("JOB must be \(SafeName.rule)") }
        if let bad = exclude.first(where: { !SafeName.isValid($0) }) { throw ValidationError("--exclude \(bad): not a node name") }
    }

    func run() async throws {
        let (recovery, data) = try await api.client.restart(job: job, excluding: exclude, dryRun: dryRun, token: try token.load())
        if api.json {
            print(String(decoding: data, as: UTF8.self))
            return
        }
        guard dryRun, let plan = recovery.plan else {
            print("recovery \(recovery.id): " + recovery.why.joined(separator: "; "))
            print("follow it with: vigil recovery list --job \(job)")
            return
        }
        print(Self.describe(plan))
    }

    /// The plan in words: nothing was done.
    static func describe(_ plan: RecoveryPlan) -> String {
        var lines = ["dry run: job \(plan.job) attempt \(plan.attempt) would be stopped and attempt \(plan.attempt + 1) started"]
        lines.append("  hosts:  " + plan.hosts.map { "\($0.host):\($0.slots)" }.joined(separator: ","))
        switch plan.placement {
        case .spares(let spares):
            lines.append("  spares: " + spares.sorted { $0.key < $1.key }.map { "\($0.value) in place of \($0.key)" }
                .joined(separator: ", "))
        case .shrink: lines.append("  spares: none; on the healthy hosts alone")
        case .same: lines.append("  spares: none needed")
        }
        lines.append("  resume: " + (plan.fromStep.map { "from checkpoint step \($0)" } ?? "from scratch (no complete checkpoint)"))
        lines += plan.why.map { "  why:    \($0)" }
        return lines.joined(separator: "\n")
    }
}
