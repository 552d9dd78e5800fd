/// Keys, by mode: the console's state machine. Pure: the app passes in what
/// the last frame drew (`layout`) and the data (`model`), and carries out
/// the effects returned.
extension ConsoleState {
    public mutating func handle(_ key: Key, layout drawn: ScreenLayout, model: ConsoleModel, nowNs: UInt64) -> [ConsoleEffect] {
        if let flash, flash.untilNs <= nowNs { self.flash = nil }
        // A frame of another view (keys typed ahead of the redraw) says nothing of this one's rows.
        let layout = drawn.view == view ? drawn : ScreenLayout(view: view, panes: [])
        switch mode {
        case .normal: return normalKey(key, layout: layout, model: model, nowNs: nowNs)
        case .command(let text): return commandKey(key, text: text, layout: layout, model: model, nowNs: nowNs)
        case .filter(let text, let previous): filterKey(key, text: text, previous: previous, nowNs: nowNs)
        case .confirm(let action): return confirmKey(key, action: action, nowNs: nowNs)
        }
        return []
    }

    private mutating func normalKey(_ key: Key, layout: ScreenLayout, model: ConsoleModel, nowNs: UInt64) -> [ConsoleEffect] {
        let pane = layout.pane(focusedPane)
        switch key {
        case .character("q"), .control("c"): return [.quit]
        case .character(":"): mode = .command("")
        case .character("/"): mode = .filter(filters[view]?.typed ?? "", previous: filters[view])
        case .character("?"): push(.help)
        case .character("r"), .control("l"): return [.refresh]
        case .character("j"), .down: move(by: pane.perRow, in: pane)
        case .character("k"), .up: move(by: -pane.perRow, in: pane)
        case .character("h"), .left: move(by: -1, in: pane, sideways: true)
        case .character("l"), .right: move(by: 1, in: pane, sideways: true)
        case .pageDown, .control("f"): move(by: pane.perRow * pane.pageRows, in: pane)
        case .pageUp, .control("b"): move(by: -pane.perRow * pane.pageRows, in: pane)
        case .character("g"), .home: move(to: 0, in: pane)
        case .character("G"), .end: move(to: pane.ids.count - 1, in: pane)
        case .character(" "): toggleMark(in: pane)
        case .character("<"): shiftSort(by: -1, in: pane)
        case .character(">"): shiftSort(by: 1, in: pane)
        case .character("m") where view == .links: linkMetric = linkMetric.next
        case .character("a") where view == .recovery: approveSelected(layout.pane(0), model: model, nowNs: nowNs)
        case .tab: cycleFocus(by: 1, panes: layout.panes.count)
        case .backTab: cycleFocus(by: -1, panes: layout.panes.count)
        case .enter: drillDown(from: pane, model: model)
        case .escape: escape()
        case .character(let c) where c.isNumber: if let n = c.wholeNumberValue, let next = ViewID.numbered(n) { show(next) }
        case .character(let c) where c.isUppercase && c.isLetter: sort(byLetter: c, in: pane)
        default: break
        }
        return []
    }

    private mutating func escape() {
        if filters[view] != nil {
            filters[view] = nil
        } else {
            pop()
        }
    }

    // MARK: moving

    private mutating func move(by delta: Int, in pane: PaneLayout, sideways: Bool = false) {
        guard !sideways || pane.perRow > 1 else { return }
        move(to: pane.cursor + delta, in: pane)
    }

    private mutating func move(to index: Int, in pane: PaneLayout) {
        guard !pane.ids.isEmpty else { return }
        let target = max(0, min(pane.ids.count - 1, index))
        updatePane(view, focusedPane) { state in
            state.cursor = target
            state.cursorID = pane.ids[target]
        }
    }

    private mutating func toggleMark(in pane: PaneLayout) {
        guard pane.ids.indices.contains(pane.cursor) else { return }
        let id = pane.ids[pane.cursor]
        updatePane(view, focusedPane) { state in
            if state.marks.remove(id) == nil { state.marks.insert(id) }
        }
        move(by: 1, in: pane)
    }

    private mutating func cycleFocus(by delta: Int, panes: Int) {
        guard panes > 1 else { return }
        focus[view] = ((focusedPane + delta) % panes + panes) % panes
    }

    // MARK: sorting

    private mutating func shiftSort(by delta: Int, in pane: PaneLayout) {
        let n = pane.sortColumns.count
        guard n > 0 else { return }
        let current = self.pane(view, focusedPane).sort
        let column = current.map { (($0.column + delta) % n + n) % n } ?? (delta > 0 ? 0 : n - 1)
        updatePane(view, focusedPane) { $0.sort = SortOrder(column: column, ascending: current?.ascending ?? true) }
    }

    /// Shift+letter sorts by that column; again, the other way round.
    private mutating func sort(byLetter letter: Character, in pane: PaneLayout) {
        guard let column = pane.sortColumns.firstIndex(where: { $0.letter == letter }) else { return }
        let current = self.pane(view, focusedPane).sort
        let ascending = current?.column == column ? !(current?.ascending ?? true) : true
        updatePane(view, focusedPane) { $0.sort = SortOrder(column: column, ascending: ascending) }
    }

    // MARK: drilling down

    private mutating func drillDown(from pane: PaneLayout, model: ConsoleModel) {
        guard pane.ids.indices.contains(pane.cursor) else { return }
        let id = pane.ids[pane.cursor]
        switch (view, focusedPane) {
        case (.overview, 0):
            job = id
            push(.ranks)
        case (.overview, 1), (.incidents, _):
            guard let incident = Int64(id) else { return }
            incidentID = incident
            push(.evidence)
        case (.nodes, _):
            filters[.ranks] = RowFilter("^" + RowFilter.escaped(id) + "$")
            push(.ranks)
        case (.runs, 0):
            focus[.runs] = 1
        default:
            break
        }
    }

    // MARK: confirmation

    private mutating func confirmKey(_ key: Key, action: ConsoleAction, nowNs: UInt64) -> [ConsoleEffect] {
        mode = .normal
        if key == .character("y") || key == .character("Y") {
            flash = Flash("\(action.gerund) \(action.subject)…", untilNs: nowNs + 10_000_000_000)
            return [.perform(action)]
        }
        flash = Flash("\(action.verb) cancelled", style: .dim, untilNs: nowNs + 3_000_000_000)
        return []
    }

    /// The recovery under the cursor, if its plan awaits approval.
    private mutating func approveSelected(_ pane: PaneLayout, model: ConsoleModel, nowNs: UInt64) {
        guard let id = pane.ids.indices.contains(pane.cursor) ? Int64(pane.ids[pane.cursor]) : nil,
              let recovery = model.recoveries.first(where: { $0.id == id }) else { return }
        guard recovery.state == .awaitingApproval else {
            flash = Flash("recovery \(id) is \(recovery.state.rawValue): only a plan awaiting approval can be approved", style: .bad,
                          untilNs: nowNs + 5_000_000_000)
            return
        }
        ask(.approve(id, job: recovery.job), nowNs: nowNs)
    }

    /// Asks for `action`, or refuses it in a read-only console.
    mutating func ask(_ action: ConsoleAction, nowNs: UInt64) {
        guard !readOnly else {
            flash = Flash("\(action.verb) refused: \(readOnlyReason)", style: .bad, untilNs: nowNs + 5_000_000_000)
            return
        }
        mode = .confirm(action)
    }

    /// What the app reports once an action ran.
    public mutating func finished(_ action: ConsoleAction, error: String?, nowNs: UInt64) {
        if let error {
            flash = Flash("\(action.verb) failed: \(error)", style: .bad, untilNs: nowNs + 8_000_000_000)
        } else {
            flash = Flash("\(action.pastTense) \(action.subject) (recorded by the server)", style: .good,
                          untilNs: nowNs + 5_000_000_000)
            for key in panes.keys where key.view == .nodes { panes[key]?.marks = [] }
        }
    }
}
