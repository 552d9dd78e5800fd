/// The `:` command line and the `/` filter prompt.
extension ConsoleState {
    mutating func commandKey(_ key: Key, text: String, layout: ScreenLayout, model: ConsoleModel,
                             nowNs: UInt64) -> [ConsoleEffect] {
        switch key {
        case .escape, .control("c"): mode = .normal
        case .backspace: mode = text.isEmpty ? .normal : .command(String(text.dropLast()))
        case .tab: mode = .command(ConsoleCommand.complete(text, model: model))
        case .enter:
            mode = .normal
            return run(text, layout: layout, model: model, nowNs: nowNs)
        case .character(let c): mode = .command(text + String(c))
        default: break
        }
        return []
    }

    mutating func filterKey(_ key: Key, text: String, previous: RowFilter?, nowNs: UInt64) {
        switch key {
        case .escape, .control("c"):
            filters[view] = previous
            mode = .normal
        case .enter:
            guard let filter = RowFilter(text) else {
                filters[view] = nil
                mode = .normal
                return
            }
            if case .failure(let error) = filter.matcher() {
                flash = Flash("not a regular expression: \(error.pattern)", style: .bad, untilNs: nowNs + 5_000_000_000)
                return
            }
            filters[view] = filter
            mode = .normal
        case .backspace: typeFilter(String(text.dropLast()), previous: previous)
        case .character(let c): typeFilter(text + String(c), previous: previous)
        default: break
        }
    }

    /// Filters as typed while what is typed is a valid pattern.
    private mutating func typeFilter(_ text: String, previous: RowFilter?) {
        mode = .filter(text, previous: previous)
        let filter = RowFilter(text)
        if filter?.isValid ?? true { filters[view] = filter }
    }

    private mutating func run(_ text: String, layout: ScreenLayout, model: ConsoleModel, nowNs: UInt64) -> [ConsoleEffect] {
        switch ConsoleCommand.parse(text) {
        case .failure(let error):
            flash = Flash(error.message, style: .bad, untilNs: nowNs + 5_000_000_000)
        case .success(let command):
            switch command {
            case .quit: return [.quit]
            case .show(let next): show(next)
            case .job(let name):
                guard model.jobNames.contains(name) else {
                    flash = Flash("no job \(name) (jobs: \(model.jobNames.joined(separator: ", ")))", style: .bad,
                                  untilNs: nowNs + 5_000_000_000)
                    return []
                }
                job = name
            case .cordon(let nodes, let cordoned):
                let targets = nodes.isEmpty ? selectedNodes(layout: layout, model: model) : nodes
                guard !targets.isEmpty else {
                    flash = Flash(":\(cordoned ? "" : "un")cordon needs a node: name one, or mark rows in the nodes view",
                                  style: .bad, untilNs: nowNs + 5_000_000_000)
                    return []
                }
                ask(cordoned ? .cordon(targets) : .uncordon(targets), nowNs: nowNs)
            }
        }
        return []
    }

    /// The nodes an action without arguments means: marked rows in the
    /// nodes view, else the node under the cursor (nodes or ranks view).
    func selectedNodes(layout: ScreenLayout, model: ConsoleModel) -> [String] {
        let marked = pane(.nodes).marks
        if !marked.isEmpty { return marked.sorted() }
        let pane = layout.pane(focusedPane)
        guard pane.ids.indices.contains(pane.cursor) else { return [] }
        let id = pane.ids[pane.cursor]
        switch view {
        case .nodes: return [id]
        case .ranks:
            guard let rank = Int(id), let entry = model.rankMap.entries.first(where: { $0.rank == rank }) else { return [] }
            return [model.rankMap.nodes[entry.node]]
        default: return []
        }
    }
}
