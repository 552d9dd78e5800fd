import VigilCore

/// A whole frame: the tab bar, the status line (source, job, the data's age
/// or why it is stale), fresh notes, the view, and the footer
/// (keys, prompt or message).
/// Pure: the same model, state and size always give the same cells.
public enum ConsoleScreen {
    public static let minimumWidth = 60
    public static let minimumHeight = 12

    public static func render(_ model: ConsoleModel, _ state: ConsoleState, width: Int, height: Int,
                              settings: ConsoleSettings = ConsoleSettings()) -> (CellGrid, ScreenLayout) {
        var grid = CellGrid(width: width, height: height)
        guard width >= minimumWidth, height >= minimumHeight else {
            grid.put("terminal \(width)×\(height) is too small: vigil top needs \(minimumWidth)×\(minimumHeight)",
                     x: 0, y: 0, style: .warn)
            return (grid, ScreenLayout(view: state.view, panes: []))
        }
        drawTabs(state, width: width, grid: &grid)
        drawStatus(model, state, width: width, refreshNs: settings.refreshNs, grid: &grid)
        let notes = freshNotes(model, height: height)
        for (row, note) in notes.enumerated() { drawNote(note, now: model.nowNs, width: width, y: 2 + row, grid: &grid) }
        let body = Rect(x: 0, y: 2 + notes.count, width: width, height: height - 3 - notes.count)
        let context = ViewContext(model: model, state: state, view: state.view, settings: settings)
        let panes = drawView(context, in: body, grid: &grid)
        drawFooter(state, model: model, width: width, y: height - 1, grid: &grid)
        return (grid, ScreenLayout(view: state.view, panes: panes))
    }

    static func drawView(_ context: ViewContext, in body: Rect, grid: inout CellGrid) -> [PaneLayout] {
        switch context.view {
        case .overview: OverviewView.draw(context, in: body, grid: &grid)
        case .ranks: RanksView.draw(context, in: body, grid: &grid)
        case .nodes: NodesView.draw(context, in: body, grid: &grid)
        case .collectives: CollectivesView.draw(context, in: body, grid: &grid)
        case .links: LinksView.draw(context, in: body, grid: &grid)
        case .incidents: IncidentsView.draw(context, in: body, grid: &grid)
        case .evidence: EvidenceView.draw(context, in: body, grid: &grid)
        case .timeline: TimelineView.draw(context, in: body, grid: &grid)
        case .runs: RunsView.draw(context, in: body, grid: &grid)
        case .checkpoints: CheckpointsView.draw(context, in: body, grid: &grid)
        case .recovery: RecoveryView.draw(context, in: body, grid: &grid)
        case .help: HelpView.draw(context, in: body, grid: &grid)
        }
    }

    private static func drawTabs(_ state: ConsoleState, width: Int, grid: inout CellGrid) {
        grid.fill(Rect(x: 0, y: 0, width: width, height: 1), style: .title)
        let narrow = width < 100
        var x = grid.put(narrow ? " vigil" : " vigil top ", x: 0, y: 0, style: .title)
        let shown = state.view == .evidence ? ViewID.incidents : state.view
        for tab in ViewID.tabs {
            // Narrow: short names and one space between tabs, so all ten fit in 80 columns.
            let label = narrow ? " \(tab.number!) \(short(tab))" : " \(tab.number!) \(tab.title) "
            x += grid.put(label, x: x, y: 0, style: tab == shown ? .tabActive : .tabInactive, limit: width - x)
        }
        let extra = state.view == .help || state.view == .evidence ? " \(state.view.title) " : ""
        if x + extra.count <= width { x += grid.put(extra, x: x, y: 0, style: .tabActive) }
        let badge = state.readOnly ? " READ-ONLY " : "? help "
        if x + badge.count < width { grid.put(badge, x: width - badge.count, y: 0, style: state.readOnly ? .warn : .title) }
    }

    static func short(_ view: ViewID) -> String {
        switch view {
        case .overview: "Home"
        case .collectives: "Colls"
        case .incidents: "Inc"
        case .timeline: "Evts"
        case .checkpoints: "Ckpt"
        case .recovery: "Recov"
        default: view.title
        }
    }

    /// "api 127.0.0.1:7078 · job train-1 · ranks 1s old" — or STALE with the reason.
    private static func drawStatus(_ model: ConsoleModel, _ state: ConsoleState, width: Int, refreshNs: UInt64,
                                   grid: inout CellGrid) {
        var line = Line(x: 1, y: 1, end: width)
        if state.readOnly { line.add("READ-ONLY ", .warn, &grid) }
        line.add(model.source, .dim, &grid)
        if let job = state.currentJob(in: model) {
            line.add(" · job ", .dim, &grid)
            line.add(job, .bold, &grid)
        }
        let feed = state.view.mainFeed
        let status = model.status(feed)
        line.add(" · \(feed.rawValue) ", .dim, &grid)
        if status.isStale(nowNs: model.nowNs, refreshNs: feed.periodNs(refreshNs: refreshNs)) {
            let age = status.fetchedNs.map { Formats.age(now: model.nowNs, then: $0) + " old" } ?? "never fetched"
            line.add("STALE (\(age))", .stale, &grid)
            if let error = status.lastError ?? state.feeds.compactMap({ model.status($0).lastError }).first {
                line.add(": " + error, .stale, &grid)
            }
        } else if let fetched = status.fetchedNs {
            line.add(Formats.age(now: model.nowNs, then: fetched) + " old", .good, &grid)
            if let other = Feed.allCases.first(where: { state.feeds.contains($0) && model.status($0).lastError != nil }) {
                line.add(" · \(other.rawValue): \(model.status(other).lastError!)", .warn, &grid)
            }
        } else {
            line.add("loading…", .dim, &grid)
        }
    }

    /// How long a note stays over the views.
    public static let noteShownNs: UInt64 = 120_000_000_000

    /// The notes written less than `noteShownNs` ago, newest first: a row
    /// each, so a story told in a few notes is read whole; on a short
    /// terminal only the newest, so the view keeps its rows.
    static func freshNotes(_ model: ConsoleModel, height: Int) -> ArraySlice<ClusterEvent> {
        let rows = height >= 24 ? ClusterSummary.noteLimit : 1
        return model.summary.notes.prefix(rows).prefix { model.nowNs - min(model.nowNs, $0.wallNs) < noteShownNs }
    }

    /// " NOTE 12s ago · demo · node3  FAULT: rank 4242 on node3 killed"; the
    /// job and node left out where they would crowd out the text.
    private static func drawNote(_ note: ClusterEvent, now: UInt64, width: Int, y: Int, grid: inout CellGrid) {
        grid.fill(Rect(x: 0, y: y, width: width, height: 1), style: .note)
        let age = " NOTE \(Formats.age(now: now, then: note.wallNs)) ago"
        let about = [note.job, note.node].compactMap { $0 }.map { " · " + $0 }.joined()
        let head = (DisplayWidth.of(about) <= width / 3 ? age + about : age) + "  "
        let x = grid.put(head, x: 0, y: y, style: .note)
        grid.put(note.message, x: x, y: y, style: .note, limit: width - x)
    }

    private static func drawFooter(_ state: ConsoleState, model: ConsoleModel, width: Int, y: Int, grid: inout CellGrid) {
        grid.fill(Rect(x: 0, y: y, width: width, height: 1), style: .prompt)
        switch state.mode {
        case .command(let text):
            let end = grid.put(":" + text, x: 0, y: y, style: .prompt)
            grid[end, y] = Cell("█", .prompt)
            let hint = ConsoleCommand.complete(text, model: model)
            if hint != text, !text.hasSuffix(" ") { grid.put("  Tab: " + hint, x: end + 2, y: y, style: .dim, limit: width - end - 2) }
        case .filter(let text, _):
            let end = grid.put("/" + text, x: 0, y: y, style: .prompt)
            grid[end, y] = Cell("█", .prompt)
            let valid = RowFilter(text)?.isValid ?? true
            grid.put(valid ? "  Enter keeps it, Esc drops it, ! inverts" : "  not a regular expression yet", x: end + 2, y: y,
                     style: valid ? .dim : .bad, limit: width - end - 2)
        case .confirm(let action):
            grid.put(action.question + " [y/N]", x: 0, y: y, style: .warn)
        case .normal:
            if let flash = state.flash, flash.untilNs > model.nowNs {
                grid.put(" " + flash.text, x: 0, y: y, style: flash.style)
            } else {
                grid.put(" q quit  : command  / filter  ? help  Enter open  Esc back  < > sort  space mark  Tab pane",
                         x: 0, y: y, style: .prompt)
            }
            if let filter = state.filters[state.view] {
                let text = " /\(filter.typed) "
                grid.put(text, x: max(0, width - DisplayWidth.of(text)), y: y, style: .info)
            }
        }
    }
}
