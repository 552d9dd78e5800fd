import ArgumentParser
import Foundation

@main
struct Vigil: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil",
        abstract: "Watch distributed training jobs through their collective communication.",
        version: VigilVersion.string,
        subcommands: [StatusCommand.self, NodesCommand.self, RanksCommand.self, CollectivesCommand.self,
                      LinksCommand.self, EventsCommand.self, IncidentsCommand.self, RecoveryCommand.self, RestartCommand.self, CheckpointsCommand.self, ExportCommand.self, ReplayCommand.self, LaunchCommand.self, StopCommand.self, RunsCommand.self,
                      LogsCommand.self,
                      CordonCommand.self, UncordonCommand.self, NoteCommand.self,
                      TopCommand.self, DemoCommand.self, AgentCommand.self, ServerCommand.self, ConfigCommand.self, SimulateCommand.self,
                      VersionCommand.self])

    /// The daemons' flags come from the config file and environment too (ConfiguredArguments).
    static func main() async {
        do {
            await main(try ConfiguredArguments.resolve(Array(CommandLine.arguments.dropFirst())))
        } catch {
            FileHandle.standardError.write(Data("vigil: the configuration is not usable:\n\(error)\n".utf8))
            Foundation.exit(78)  // EX_CONFIG
        }
    }
}
