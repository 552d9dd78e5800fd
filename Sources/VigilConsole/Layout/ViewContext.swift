/// What a view draws from: the data, the operator's state, and the time.
struct ViewContext {
    let model: ConsoleModel
    let state: ConsoleState
    let view: ViewID
    let settings: ConsoleSettings

    var now: UInt64 { model.nowNs }
    var job: String? { state.currentJob(in: model) }
    var filter: RowFilter? { state.filters[view] }

    func pane(_ index: Int) -> PaneState { state.pane(view, index) }
    func focused(_ index: Int) -> Bool { state.focusedPane == index }

    /// `table` with the columns the settings choose for this view.
    func chosen(_ table: Table) -> Table { ColumnChoice.apply(settings.columns[view], to: table) }

    /// A section title across the rect's top row: "─ JOBS ─────".
    static func section(_ title: String, in rect: Rect, grid: inout CellGrid, note: String = "") {
        guard rect.height > 0 else { return }
        grid.fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: 1), style: .dim, with: "─")
        let written = grid.put(" \(title) ", x: rect.x + 1, y: rect.y, style: .bold, limit: rect.width - 2)
        if !note.isEmpty {
            grid.put(" \(note) ", x: rect.x + 1 + written, y: rect.y, style: .dim, limit: rect.width - 2 - written)
        }
    }
}
