import ArgumentParser
import Foundation
import VigilCore
import VigilRecovery

/// `vigil recovery`: what the server decided about each incident and what
/// it did; `approve` carries out a plan waiting for an operator.
struct RecoveryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recovery", abstract: "Recoveries: the plan for each incident, its timeline and cost; approve a plan.",
        subcommands: [List.self, Approve.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Recoveries, newest first.")
        @OptionGroup var api: APIOption
        @Option(help: "Only this job's.") var job: String?

        func run() async throws {
            let recoveries = try await api.client.recoveries(job: job)
            try api.show(recoveries, else: RecoveryTable.render(recoveries, nowNs: wallClockNanoseconds()))
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Carry out a recovery plan awaiting approval.")
        @OptionGroup var api: APIOption
        @OptionGroup var token: TokenOption
        @Argument(help: "The recovery's number (vigil recovery list).") var id: Int64

        func run() async throws {
            let data = try await api.client.post("/v1/recoveries/approve?id=\(id)", token: try token.load())
            if api.json {
                print(String(decoding: data, as: UTF8.self))
                return
            }
            let recovery = try JSONDecoder().decode(StoredRecovery.self, from: data)
            print("recovery \(recovery.id) approved: \(recovery.job) " + (recovery.plan?.why.joined(separator: "; ") ?? ""))
        }
    }
}
