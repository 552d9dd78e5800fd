import VigilCore

/// The current job's collectives over the last half minute, per communicator
/// and op: calls, p50/p99 time inside, bus bandwidth, and the member that
/// arrives last (spends least inside: the others wait for it).
enum CollectivesView {
    static func draw(_ context: ViewContext, in rect: Rect, grid: inout CellGrid) -> [PaneLayout] {
        let data = context.model.collectives
        let note = data.map { "\($0.job) · last \($0.seconds)s · \($0.items.count) communicator×op" } ?? (context.job ?? "no job")
        ViewContext.section("COLLECTIVES", in: rect, grid: &grid, note: note)
        return [TableDrawing.draw(context.chosen(table(data?.items ?? [])), pane: context.pane(0), filter: context.filter, focused: true,
                                  in: rect.splitTop(1).1, grid: &grid)]
    }

    static func table(_ items: [CollectiveSummary]) -> Table {
        let columns = [
            Table.Column(title: "COMM", width: 10, flexible: true, maxWidth: 18, letter: "C"),
            Table.Column(title: "OP", width: 10, flexible: true, maxWidth: 20, letter: "O"),
            Table.Column(title: "SIZE", width: 5, right: true, letter: "Z"),
            Table.Column(title: "CALLS", width: 8, right: true, letter: "A"),
            Table.Column(title: "P50", width: 8, right: true, letter: "P"),
            Table.Column(title: "P99", width: 8, right: true, letter: "Q"),
            Table.Column(title: "BUS BW", width: 9, right: true, letter: "W"),
            Table.Column(title: "LAST IN", width: 10, flexible: true, letter: "L"),
        ]
        let rows = items.map { c -> Table.Row in
            let late = c.lastArriver.map { "rank \($0) (\(DurationText.precise(c.lastArriverMeanNs)) in, others \(DurationText.precise(c.othersMeanNs)))" } ?? "-"
            return Table.Row(
                id: "\(c.communicator)/\(c.op.name)",
                cells: [AgentReport.hex(c.communicator), c.op.name, "\(c.size)", Formats.count(c.calls), DurationText.precise(c.p50Ns),
                        DurationText.precise(c.p99Ns), c.busBandwidth.map(Formats.rate) ?? "-", late],
                cellStyles: c.ranks < c.size ? [2: .warn] : [:],
                sortKeys: [.number(Double(c.communicator)), .text(c.op.name), .number(Double(c.size)), .number(Double(c.calls)),
                           .number(Double(c.p50Ns)), .number(Double(c.p99Ns)), c.busBandwidth.map { .number($0) } ?? .missing,
                           c.lastArriver.map { .number(Double($0)) } ?? .missing])
        }
        return Table(columns: columns, rows: rows, empty: "no collectives stored for this job in the window")
    }
}
