import ArgumentParser

@main
struct Vigil: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil",
        abstract: "Watch distributed training jobs through their collective communication.",
        version: VigilVersion.string,
        subcommands: [StatusCommand.self, NodesCommand.self, RanksCommand.self, CollectivesCommand.self,
                      LinksCommand.self, EventsCommand.self, IncidentsCommand.self, RecoveryCommand.self, RestartCommand.self, CheckpointsCommand.self, ReplayCommand.self, LaunchCommand.self, StopCommand.self, RunsCommand.self,
                      LogsCommand.self,
                      CordonCommand.self, UncordonCommand.self,
                      TopCommand.self, AgentCommand.self, ServerCommand.self, SimulateCommand.self, VersionCommand.self])
}
