import VigilCore

/// Jobs with their pulse, the nodes and the telemetry's books, the
/// server's ingest, and what is wrong now. Panes: jobs (0), open incidents (1).
enum OverviewView {
    static func draw(_ context: ViewContext, in rect: Rect, grid: inout CellGrid) -> [PaneLayout] {
        let summary = context.model.summary
        let jobsHeight = min(max(3, summary.jobs.count + 2), max(3, (rect.height - 5) / 2))
        let (jobsRect, rest) = rect.splitTop(jobsHeight)
        let (statusRect, incidentsRect) = rest.splitTop(5)
        ViewContext.section("JOBS", in: jobsRect, grid: &grid, note: "\(summary.jobs.count)")
        let jobs = TableDrawing.draw(context.chosen(jobsTable(summary)), pane: context.pane(0), filter: context.filter,
                                     focused: context.focused(0), in: jobsRect.splitTop(1).1, grid: &grid)
        drawStatus(summary, now: context.now, in: statusRect, grid: &grid)
        let open = context.model.incidents.filter { $0.incident.resolvedNs == nil }
        ViewContext.section("OPEN INCIDENTS", in: incidentsRect, grid: &grid, note: "\(open.count)")
        let incidents = TableDrawing.draw(IncidentsView.table(open, now: context.now, brief: true), pane: context.pane(1),
                                          filter: context.filter, focused: context.focused(1),
                                          in: incidentsRect.splitTop(1).1, grid: &grid)
        return [jobs, incidents]
    }

    static let trendWidth = 16

    static func jobsTable(_ summary: ClusterSummary) -> Table {
        let columns = [
            Table.Column(title: "JOB", width: 10, flexible: true, maxWidth: 32, letter: "J"),
            Table.Column(title: "STATE", width: 9, letter: "S"),
            Table.Column(title: "ATT", width: 3, right: true, letter: "A"),
            Table.Column(title: "RANKS", width: 9, right: true, letter: "R"),
            Table.Column(title: "NODES", width: 5, right: true, letter: "N"),
            Table.Column(title: "WAIT", width: 4, right: true, letter: "W"),
            Table.Column(title: "PACE/s", width: 7, right: true, letter: "P"),
            Table.Column(title: "LAST MINUTE", width: trendWidth, flexible: true, maxWidth: 60, tail: true),
            Table.Column(title: "INC", width: 5, right: true, letter: "I"),
        ]
        let rows = summary.jobs.map { job -> Table.Row in
            let pace = job.pace.last { $0 > 0 } == nil ? 0 : (job.pace.last ?? 0)
            let alive = job.ranks.running + job.ranks.stopped
            var styles: [Int: Style] = [1: stateStyle(job.state), 7: .info]
            if job.waitingRanks > 0 { styles[5] = .warn }
            if job.openIncidents > 0 { styles[8] = .bad }
            return Table.Row(
                id: job.job,
                cells: [job.job, job.state, job.attempt.map(String.init) ?? "-", "\(alive)/\(job.worldSize)", "\(job.nodes)",
                        "\(job.waitingRanks)", Formats.perSecond(pace), Formats.sparkline(job.pace, width: 60),
                        "\(job.openIncidents)"],
                cellStyles: styles,
                sortKeys: [.text(job.job), .text(job.state), .number(Double(job.attempt ?? 0)), .number(Double(alive)),
                           .number(Double(job.nodes)), .number(Double(job.waitingRanks)), .number(pace), .missing,
                           .number(Double(job.openIncidents))])
        }
        return Table(columns: columns, rows: rows, empty: "no jobs yet: launch one with `vigil launch`, or run ranks under an agent")
    }

    static func stateStyle(_ state: String) -> Style {
        switch state {
        case "running": .good
        case "degraded": .bad
        case "starting": .warn
        default: .dim
        }
    }

    private static func drawStatus(_ s: ClusterSummary, now: UInt64, in rect: Rect, grid: inout CellGrid) {
        guard rect.height > 0 else { return }
        ViewContext.section("CLUSTER", in: rect, grid: &grid)
        let n = s.nodes
        var line = Line(x: rect.x + 1, y: rect.y + 1, end: rect.x + rect.width)
        line.add("NODES ", .bold, &grid)
        line.add("\(n.up) up", n.up > 0 ? .good : .dim, &grid)
        line.add(" · ", &grid)
        line.add("\(n.down) down", n.down > 0 ? .bad : .dim, &grid)
        line.add(" · ", &grid)
        line.add("\(n.cordoned) cordoned", n.cordoned > 0 ? .warn : .dim, &grid)
        line.add(" of \(n.total)   ", &grid)
        line.add("AGENTS ", .bold, &grid)
        line.add(s.server.map { "\($0.agentsConnected) connected" } ?? "- (store only)", &grid)

        line = Line(x: rect.x + 1, y: rect.y + 2, end: rect.x + rect.width)
        let incidents = s.openIncidents.values.reduce(0, +)
        line.add("INCIDENTS ", .bold, &grid)
        line.add("\(incidents) open", incidents > 0 ? .bad : .good, &grid)
        let classes = s.openIncidents.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.value) \($0.key)" }
        if !classes.isEmpty { line.add(": " + classes.joined(separator: ", "), .bad, &grid) }

        line = Line(x: rect.x + 1, y: rect.y + 3, end: rect.x + rect.width)
        line.add("TELEMETRY ", .bold, &grid)
        line.add("rings dropped \(Formats.count(n.droppedAtRanks))", n.droppedAtRanks > 0 ? .warn : .normal, &grid)
        line.add(" · pending \(Formats.count(n.pendingAtRanks)) · ", &grid)
        line.add("spools lost \(Formats.count(n.lostBatches)) batches (\(Formats.count(n.lostRecords)) records)",
                 n.lostBatches > 0 ? .warn : .normal, &grid)

        line = Line(x: rect.x + 1, y: rect.y + 4, end: rect.x + rect.width)
        line.add("INGEST ", .bold, &grid)
        if let server = s.server {
            line.add("\(Formats.perSecond(server.batchesPerSecond)) batches/s · \(Formats.perSecond(server.recordsPerSecond)) records/s ", &grid)
            line.add(Formats.sparkline(server.history, width: 20), .info, &grid)
            line.add(" · server up \(Formats.age(now: now, then: server.startedNs))", &grid)
        } else {
            line.add("- (a store read directly has no server)", .dim, &grid)
        }
    }
}

/// Text written piece by piece along one row, clipped at `end`.
struct Line {
    var x: Int
    let y: Int
    let end: Int

    mutating func add(_ text: String, _ style: Style = .normal, _ grid: inout CellGrid) {
        guard x < end else { return }
        x += grid.put(text, x: x, y: y, style: style, limit: end - x)
    }

    mutating func add(_ text: String, _ grid: inout CellGrid) { add(text, .normal, &grid) }
}
