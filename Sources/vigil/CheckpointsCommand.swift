import ArgumentParser
import Foundation
import VigilAPIClient
import VigilCore

/// `vigil checkpoints`: where each job can restore from, per level, and its
/// checkpoints; `pin` / `unpin` one so retention keeps it.
struct CheckpointsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoints",
        abstract: "Checkpoints by level: what each job can restore from, and what retention keeps.",
        subcommands: [List.self, Pin.self, Unpin.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "Each job's restorable step per level and the work at risk, then its checkpoints, newest first.")
        @OptionGroup var api: APIOption
        @Option(help: "Only this job's checkpoints (its checkpoint job name).") var job: String?
        @Option(help: "With --job: this checkpoint's shards, per level and rank.") var step: Int64?

        func validate() throws {
            if step != nil && job == nil { throw ValidationError("--step needs --job") }
            if let step, step < 0 { throw ValidationError("--step must not be negative") }
        }

        func run() async throws {
            if let job, let step { return try await shards(job: job, step: step) }
            let checkpoints = try await api.client.checkpoints(job: job)
            try api.show(checkpoints, else: ClusterTables.checkpoints(checkpoints, nowNs: wallClockNanoseconds()))
        }

        private func shards(job: String, step: Int64) async throws {
            let shards = try await api.client.shards(job: job, step: step)
            try api.show(shards, else: ClusterTables.shards(shards, job: job, step: step, nowNs: wallClockNanoseconds()))
        }
    }

    struct Pin: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Keep a checkpoint whatever retention says.")
        @OptionGroup var target: CheckpointTarget

        func run() async throws { try await target.set(pinned: true) }
    }

    struct Unpin: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let retention remove a checkpoint again.")
        @OptionGroup var target: CheckpointTarget

        func run() async throws { try await target.set(pinned: false) }
    }
}

/// One checkpoint, and the server that records its pin.
struct CheckpointTarget: ParsableArguments {
    @OptionGroup var api: APIOption
    @OptionGroup var token: TokenOption
    @Option(help: "The checkpoint's job name.") var job: String
    @Argument(help: "The checkpoint's step.") var step: Int64

    func validate() throws {
        guard SafeName.isValid(job) else { throw ValidationError("--job must be \(SafeName.rule)") }
        guard step >= 0 else { throw ValidationError("STEP must not be negative") }
    }

    func set(pinned: Bool) async throws {
        let answer = try await api.client.setPinned(job: job, step: step, pinned, token: try token.load())
        if api.json {
            print(String(decoding: try JSONEncoder().encode(answer), as: UTF8.self))
            return
        }
        print("\(answer.job) step \(answer.step) \(answer.pinned ? "pinned" : "unpinned")")
    }
}
