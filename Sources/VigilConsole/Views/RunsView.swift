import VigilCore

/// Job attempts (pane 0) and the tail of the selected one's output (pane 1;
/// Enter or Tab moves there, j/k scroll it).
enum RunsView {
    static func draw(_ context: ViewContext, in rect: Rect, grid: inout CellGrid) -> [PaneLayout] {
        let runs = context.model.runs.sorted { ($0.startedNs, $0.attempt) > ($1.startedNs, $1.attempt) }
        let tableHeight = min(max(4, runs.count + 2), max(4, rect.height / 3))
        let (top, bottom) = rect.splitTop(tableHeight)
        ViewContext.section("RUNS", in: top, grid: &grid, note: "\(runs.count) attempts · newest first")
        let table = TableDrawing.draw(context.chosen(self.table(runs, now: context.now)), pane: context.pane(0), filter: context.filter,
                                      focused: context.focused(0), in: top.splitTop(1).1, grid: &grid)
        let selected = table.ids.indices.contains(table.cursor) ? runs.first { id($0) == table.ids[table.cursor] } : nil
        let log = drawLog(selected, pane: context.pane(1), focused: context.focused(1), in: bottom, grid: &grid)
        return [table, log]
    }

    static func id(_ run: JobRun) -> String { "\(run.job)#\(run.attempt)" }

    /// A SLURM column when any attempt ran as a Slurm job.
    static func table(_ runs: [JobRun], now: UInt64) -> Table {
        let slurm = runs.contains { $0.slurmJob != nil }
        let columns = [
            Table.Column(title: "JOB", width: 10, letter: "J"),
            Table.Column(title: "ATT", width: 3, right: true, letter: "A"),
        ] + (slurm ? [Table.Column(title: "SLURM", width: 7, right: true, letter: "U")] : []) + [
            Table.Column(title: "STATE", width: 8, letter: "S"),
            Table.Column(title: "EXIT", width: 6, right: true, letter: "E"),
            Table.Column(title: "AGE", width: 7, right: true, letter: "T"),
            Table.Column(title: "RAN FOR", width: 8, right: true, letter: "R"),
            Table.Column(title: "HOSTS", width: 14, flexible: true, maxWidth: 60, letter: "H"),
            Table.Column(title: "COMMAND", width: 16, flexible: true),
        ]
        let rows = runs.map { run -> Table.Row in
            let exit = run.state == .running ? "-" : run.exitStatus.map { "\($0)" } ?? "signal"
            let ranFor = (run.endedNs ?? now) - min(run.endedNs ?? now, run.startedNs)
            let failed = run.state == .exited && run.exitStatus != 0
            let slurmCell = slurm ? [run.slurmJob.map { "\($0)" } ?? "-"] : []
            let slurmKey: [SortKey] = slurm ? [run.slurmJob.map { .number(Double($0)) } ?? .missing] : []
            return Table.Row(
                id: id(run),
                cells: [run.job, "\(run.attempt)"] + slurmCell
                    + [run.state.rawValue, exit, Formats.age(now: now, then: run.startedNs),
                       DurationText.whole(ranFor), run.hosts.map { "\($0.host):\($0.slots)" }.joined(separator: ","),
                       run.command.joined(separator: " ")],
                cellStyles: [slurmCell.count + 2: run.state == .running ? .good : failed ? .bad : .dim],
                sortKeys: [.text(run.job), .number(Double(run.attempt))] + slurmKey
                    + [.text(run.state.rawValue), run.exitStatus.map { .number(Double($0)) } ?? .missing,
                       .number(-Double(run.startedNs)), .number(Double(ranFor)), .text(run.hosts.first?.host ?? ""), .missing])
        }
        return Table(columns: columns, rows: rows, empty: "no attempts: `vigil launch` starts them")
    }

    private static func drawLog(_ run: JobRun?, pane: PaneState, focused: Bool, in rect: Rect,
                                grid: inout CellGrid) -> PaneLayout {
        guard let run else {
            ViewContext.section("OUTPUT", in: rect, grid: &grid)
            return .none
        }
        ViewContext.section("OUTPUT", in: rect, grid: &grid, note: "\(run.job) attempt \(run.attempt) on \(run.node)"
            + (run.slurmJob.map { " · Slurm job \($0)" } ?? "") + " · last lines")
        let lines = ["== stdout =="] + lines(run.stdoutTail) + ["== stderr =="] + lines(run.stderrTail)
        let body = rect.splitTop(1).1
        // Follows the end while the table has the focus; in the output, where the operator scrolls.
        let cursor = focused ? min(pane.cursor, max(0, lines.count - 1)) : max(0, lines.count - 1)
        let scroll = focused ? TableDrawing.keepInView(cursor: cursor, scroll: pane.scroll, page: body.height, count: lines.count)
            : max(0, lines.count - body.height)
        for row in 0..<body.height where scroll + row < lines.count {
            let text = lines[scroll + row]
            let style: Style = text.hasPrefix("== ") ? .header : scroll + row == cursor && focused ? .selected : .normal
            if style == .selected { grid.fill(Rect(x: body.x, y: body.y + row, width: body.width, height: 1), style: .selected) }
            grid.put(text, x: body.x + 1, y: body.y + row, style: style, limit: body.width - 1)
        }
        return PaneLayout(ids: PaneIDs(lines.indices.map(String.init)), pageRows: body.height, cursor: cursor, scroll: scroll)
    }

    /// Lines of output, tabs expanded; control characters become '?' when drawn.
    static func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.replacingTabs() }.dropLast(text.hasSuffix("\n") ? 1 : 0)
    }
}

extension Substring {
    func replacingTabs() -> String {
        var out = ""
        for c in self {
            if c == "\t" { out += String(repeating: " ", count: 8 - out.count % 8) } else { out.append(c) }
        }
        return out
    }
}
