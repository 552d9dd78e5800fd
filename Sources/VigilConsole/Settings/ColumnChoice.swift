/// Which columns a table view shows, as its settings choose: titles in the
/// order given; the rest left out.
enum ColumnChoice {
    /// Every table view's column titles, for the settings check.
    static let titles: [ViewID: [String]] = [
        .nodes: NodesView.table([], now: 0, downAfterNs: 0).columns.map(\.title),
        .collectives: CollectivesView.table([]).columns.map(\.title),
        .incidents: IncidentsView.table([], now: 0, brief: false).columns.map(\.title),
        .timeline: TimelineView.table([], now: 0).columns.map(\.title),
        .runs: RunsView.table([], now: 0).columns.map(\.title),
        .overview: OverviewView.jobsTable(.empty).columns.map(\.title),
    ]

    static func apply(_ titles: [String]?, to table: Table) -> Table {
        guard let titles else { return table }
        let order = titles.compactMap { title in table.columns.firstIndex { $0.title == title } }
        guard !order.isEmpty else { return table }
        var chosen = table
        chosen.columns = order.map { table.columns[$0] }
        chosen.rows = table.rows.map { row in
            var r = row
            r.cells = order.map { row.cells[$0] }
            r.sortKeys = order.map { row.sortKeys[$0] }
            r.cellStyles = Dictionary(uniqueKeysWithValues: order.enumerated().compactMap { new, old in
                row.cellStyles[old].map { (new, $0) }
            })
            return r
        }
        return chosen
    }
}
