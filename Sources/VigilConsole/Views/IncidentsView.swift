import VigilCore

/// Every incident, newest first: class, culprit, age, state. Enter opens the evidence.
enum IncidentsView {
    static func draw(_ context: ViewContext, in rect: Rect, grid: inout CellGrid) -> [PaneLayout] {
        let open = context.model.incidents.filter { $0.incident.resolvedNs == nil }.count
        ViewContext.section("INCIDENTS", in: rect, grid: &grid,
                            note: "\(context.model.incidents.count) · \(open) open · Enter opens the evidence")
        return [TableDrawing.draw(context.chosen(table(context.model.incidents, now: context.now, brief: false)), pane: context.pane(0),
                                  filter: context.filter, focused: true, in: rect.splitTop(1).1, grid: &grid)]
    }

    /// The list; `brief` (the overview's) leaves out state and evidence.
    static func table(_ incidents: [StoredIncident], now: UInt64, brief: Bool) -> Table {
        var columns = [
            Table.Column(title: "ID", width: 5, right: true, letter: "I"),
            Table.Column(title: "STATE", width: 8, letter: "S"),
            Table.Column(title: "CLASS", width: 22, letter: "C"),
            Table.Column(title: "CULPRIT", width: 16, flexible: true, maxWidth: 40, letter: "U"),
            Table.Column(title: "CONF", width: 4, right: true, letter: "F"),
            Table.Column(title: "AGE", width: 6, right: true, letter: "A"),
            Table.Column(title: "JOB", width: 10, letter: "J"),
            Table.Column(title: "EVIDENCE", width: 20, flexible: true),
        ]
        if brief { columns.remove(at: 1) }
        let rows = incidents.map { stored -> Table.Row in
            let i = stored.incident
            let open = i.resolvedNs == nil
            var cells = ["\(stored.id)", open ? "open" : "resolved", i.incidentClass.rawValue, culprit(i),
                         Formats.decimal(i.confidence, 2), Formats.age(now: now, then: i.detectedNs), i.job, i.evidence.summary]
            if brief { cells.remove(at: 1) }
            var keys: [SortKey] = [.number(Double(stored.id)), .text(open ? "open" : "resolved"), .text(i.incidentClass.rawValue),
                                   .text(culprit(i)), .number(i.confidence), .number(-Double(i.detectedNs)), .text(i.job), .missing]
            var styles: [Int: Style] = open ? [1: .bad, 2: .bad] : [:]
            if brief {
                keys.remove(at: 1)
                styles = open ? [1: .bad] : [:]
            }
            return Table.Row(id: "\(stored.id)", cells: cells, style: open ? .normal : .dim, cellStyles: styles, sortKeys: keys)
        }
        return Table(columns: columns, rows: rows, empty: "no incidents: the detector has found nothing wrong")
    }

    static func culprit(_ incident: Incident) -> String {
        let shown = incident.suspects.prefix(3).map(\.description).joined(separator: ", ")
        return incident.suspects.count > 3 ? shown + " +\(incident.suspects.count - 3)" : shown
    }
}
