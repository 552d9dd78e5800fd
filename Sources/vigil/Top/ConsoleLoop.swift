import Foundation
import Synchronization
import VigilConsole
import VigilConsoleFeed
import VigilConsoleTerminal
import VigilCore

/// The console's UI thread: keys in, frames out. It reads the feed's model
/// (never waits for a fetch), runs keys through the state machine, and
/// draws a frame when something changed — the data, the state, the size,
/// or the second shown in ages. Actions run in tasks of their own.
final class ConsoleLoop {
    private let terminal: Terminal
    private let feed: ConsoleFeed
    private let settings: ConsoleSettings
    private var state: ConsoleState
    private var layout = ScreenLayout(view: .overview, panes: [])
    private let outcomes = Outcomes()

    /// Actions done, with why they failed (nil: they did not), for the UI thread to report.
    final class Outcomes: Sendable {
        private let done = Mutex<[(ConsoleAction, String?)]>([])
        func add(_ action: ConsoleAction, _ failure: String?) { done.withLock { $0.append((action, failure)) } }
        func take() -> [(ConsoleAction, String?)] { done.withLock { list in defer { list = [] }; return list } }
    }

    init(terminal: Terminal, feed: ConsoleFeed, settings: ConsoleSettings, state: ConsoleState) {
        self.terminal = terminal
        self.feed = feed
        self.settings = settings
        self.state = state
    }

    /// Until `q`, `:q`, Ctrl-C or a stop signal.
    func run() {
        var shownVersion: UInt64 = .max, shownSecond: UInt64 = 0, dirty = true
        while StopSignals.received == nil {
            var input = terminal.read(timeoutMs: 100)
            // Everything typed ahead is handled before the next frame.
            while input != .idle {
                switch input {
                case .key(let key):
                    if handle(key) == false { return }
                    dirty = true
                case .resize:
                    dirty = true
                case .idle:
                    break
                }
                input = terminal.read(timeoutMs: 0)
            }
            dirty = absorbOutcomes() || dirty
            var (model, version) = feed.snapshot()
            feed.want(ConsoleFeed.Needs(feeds: state.feeds, job: state.currentJob(in: model)))
            let now = wallClockNanoseconds()
            guard dirty || version != shownVersion || now / 1_000_000_000 != shownSecond else { continue }
            model.nowNs = now
            let (grid, drawn) = ConsoleScreen.render(model, state, width: terminal.width, height: terminal.height,
                                                    settings: settings)
            state.absorb(drawn)
            layout = drawn
            terminal.draw(grid)
            (shownVersion, shownSecond, dirty) = (version, now / 1_000_000_000, false)
        }
    }

    /// false: quit. The next key typed ahead meets the rows this one leads to, not the last frame's.
    private func handle(_ key: Key) -> Bool {
        var model = feed.snapshot().model
        model.nowNs = wallClockNanoseconds()
        if key == .control("l") { terminal.invalidate() }
        for effect in state.handle(key, layout: layout, model: model, nowNs: model.nowNs) {
            switch effect {
            case .quit: return false
            case .refresh: feed.refreshNow()
            case .perform(let action): perform(action)
            }
        }
        layout = ConsoleScreen.render(model, state, width: terminal.width, height: terminal.height, settings: settings).1
        state.absorb(layout)
        return true
    }

    private func perform(_ action: ConsoleAction) {
        let source = feed.source, feed = self.feed, outcomes = self.outcomes
        Task {
            var failure: String?
            do { try await source.perform(action) } catch { failure = "\(error)" }
            outcomes.add(action, failure)
            feed.refreshNow()
        }
    }

    private func absorbOutcomes() -> Bool {
        let done = outcomes.take()
        for (action, failure) in done { state.finished(action, error: failure, nowNs: wallClockNanoseconds()) }
        return !done.isEmpty
    }
}
