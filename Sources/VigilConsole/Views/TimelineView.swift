import VigilCore

/// The cluster's events, newest first: agents, cordons, attempts, incidents, probes.
enum TimelineView {
    static func draw(_ context: ViewContext, in rect: Rect, grid: inout CellGrid) -> [PaneLayout] {
        ViewContext.section("TIMELINE", in: rect, grid: &grid, note: "newest first · \(context.model.events.count) held")
        return [TableDrawing.draw(context.chosen(table(context.model.events, now: context.now)), pane: context.pane(0), filter: context.filter,
                                  focused: true, in: rect.splitTop(1).1, grid: &grid)]
    }

    static func table(_ events: [ClusterEvent], now: UInt64) -> Table {
        let columns = [
            Table.Column(title: "AGO", width: 7, right: true, letter: "A"),
            Table.Column(title: "KIND", width: 16, letter: "K"),
            Table.Column(title: "NODE", width: 10, flexible: true, maxWidth: 24, letter: "N"),
            Table.Column(title: "JOB", width: 10, flexible: true, maxWidth: 24, letter: "J"),
            Table.Column(title: "WHAT", width: 20, flexible: true),
        ]
        let rows = events.reversed().map { e -> Table.Row in
            Table.Row(id: "\(e.id)",
                      cells: [Formats.age(now: now, then: e.wallNs), e.kind, e.node ?? "-", e.job ?? "-", e.message],
                      cellStyles: [1: style(e.kind)],
                      sortKeys: [.number(-Double(e.wallNs)), .text(e.kind), .text(e.node ?? ""), .text(e.job ?? ""), .missing])
        }
        return Table(columns: columns, rows: rows, empty: "no events yet")
    }

    static func style(_ kind: String) -> Style {
        switch kind {
        case "incident.raised", "run.exited": .bad
        case "incident.resolved", "node.uncordoned": .good
        case "node.cordoned", "run.stopped": .warn
        case "link.probe": .info
        case OperatorNote.kind: .note
        default: .normal
        }
    }
}
