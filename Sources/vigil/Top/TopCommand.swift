import ArgumentParser
import Foundation
import VigilAPIClient
import VigilConsole
import VigilConsoleFeed
import VigilConsoleTerminal
import VigilCore

/// `vigil top` (alias `vigil console`): the operations console.
struct TopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "top",
        abstract: "The operations console: the whole cluster live in the terminal (ncurses).",
        discussion: """
            Reads the server's API (--api, $VIGIL_API), or a store read-only for a postmortem (--store). \
            Settings (refresh, theme, api, columns) come from the console section of vigil's config file, or from \
            $XDG_CONFIG_HOME/vigil/console.yaml; flags win. \
            Press ? inside for the keys.
            """,
        aliases: ["console"])

    @Option(help: ArgumentHelp("The server's API (default: $VIGIL_API, else the settings' api, else 127.0.0.1:7078).",
                               valueName: "host:port"))
    var api: String?

    @Option(help: ArgumentHelp("Read this store instead of a server (read-only, for postmortems).", valueName: "path"))
    var store: String?

    @Flag(help: "Refuse every action that would change the cluster (cordons).")
    var readonly = false

    @Option(help: ArgumentHelp("Seconds between fetches (0.2-60; default 1, or the settings').", valueName: "seconds"))
    var refresh: Double?

    @Option(help: ArgumentHelp("Colours: auto, 256, 8 or mono (NO_COLOR also means mono).", valueName: "theme"))
    var theme: String?

    @Option(help: ArgumentHelp("vigil's config file, or a console settings file (default: $VIGIL_CONFIG, else "
                               + "$XDG_CONFIG_HOME/vigil/console.yaml, else /etc/vigil/vigil.yaml).", valueName: "path"))
    var config: String?

    @Option(help: ArgumentHelp("The view to open: overview, ranks, nodes, collectives, links, incidents, timeline, runs.",
                               valueName: "view"))
    var view: String = "overview"

    @Option(help: "The job to show first (default: the first running).")
    var job: String?

    @OptionGroup var token: TokenOption

    func validate() throws {
        if let refresh, !ConsoleSettings.refreshRange.contains(refresh) {
            throw ValidationError("--refresh must be 0.2 to 60 seconds")
        }
        if let theme, ConsoleSettings.Theme(rawValue: theme) == nil { throw ValidationError("--theme must be auto, 256, 8 or mono") }
        guard let start = ViewID(rawValue: view), start.number != nil else {
            throw ValidationError("--view must be one of \(ViewID.tabs.map(\.rawValue).joined(separator: ", "))")
        }
        if api != nil && store != nil { throw ValidationError("--api and --store exclude each other") }
    }

    func run() async throws {
        var settings = try ConsoleSettingsFile.load(explicit: config)
        if let refresh { settings.refreshSeconds = refresh }
        if let theme { settings.theme = ConsoleSettings.Theme(rawValue: theme)! }
        let source = try makeSource(settings)
        let refusal = readonly ? "read-only console (--readonly)" : source.refusesActions
        var state = ConsoleState(readOnly: refusal != nil, readOnlyReason: refusal ?? "")
        state.show(ViewID(rawValue: view)!)
        state.job = job
        let feed = ConsoleFeed(source: source, refreshNs: settings.refreshNs)
        let fetching = Task { await feed.run() }
        defer { fetching.cancel() }
        StopSignals.watch()
        let noColor = !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        let (chosen, start) = (settings, state)
        try await Self.onOwnThread {
            let terminal = try Terminal(theme: chosen.theme, noColor: noColor)
            defer { terminal.close() }
            ConsoleLoop(terminal: terminal, feed: feed, settings: chosen, state: start).run()
        }
    }

    private func makeSource(_ settings: ConsoleSettings) throws -> any ConsoleSource {
        if let store { return try StoreSource(path: store) }
        let address = api ?? (ProcessInfo.processInfo.environment["VIGIL_API"].flatMap { $0.isEmpty ? nil : $0 })
            ?? settings.api ?? APIClient.defaultAddress()
        _ = try HostPort.parse(address)
        let timeout = Duration.milliseconds(Int64(min(5_000, max(1_000, settings.refreshSeconds * 2_000))))
        // An explicit --token-file that cannot be read is an error; no token at all: a read-only console.
        let secret = token.tokenFile != nil ? try token.load() : try? token.load()
        return APISource(client: APIClient(address: address, timeout: timeout), token: secret)
    }

    /// The terminal's loop blocks in ncurses: it gets a thread, not a task.
    private static func onOwnThread(_ body: @escaping @Sendable () throws -> Void) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            Thread {
                do { try body(); done.resume() } catch { done.resume(throwing: error) }
            }.start()
        }
    }
}
