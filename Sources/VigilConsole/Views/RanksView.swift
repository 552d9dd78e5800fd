import VigilCore

/// Every rank of the current job as one cell, grouped by node (a block a
/// node, many nodes a row): coloured by state and by lateness, so 8,192
/// ranks fit a screen and the odd one stands out. The cursor moves over
/// ranks; the bottom line says what the one under it is doing.
enum RanksView {
    struct Block {
        var node: String
        var entries: [RankMap.Entry]
        var worstGap: Int
        var longestBlockedMs: UInt64
    }

    static let sortColumns = [SortColumn(title: "NODE", letter: "N"), SortColumn(title: "LATE", letter: "L"),
                              SortColumn(title: "WAITING", letter: "W")]

    static func draw(_ context: ViewContext, in rect: Rect, grid: inout CellGrid) -> [PaneLayout] {
        let map = context.model.rankMap
        guard let job = context.job, map.job == job else {
            ViewContext.section("RANKS", in: rect, grid: &grid)
            grid.put(context.job.map { "loading the ranks of \($0)…" } ?? "no job to show", x: rect.x + 1, y: rect.y + 1, style: .dim)
            return [.none]
        }
        let entries = map.entries
        let (header, rest) = rect.splitTop(2)
        drawHeader(map, entries: entries, in: header, grid: &grid)
        let body = Rect(x: rest.x, y: rest.y, width: rest.width, height: rest.height - 1)
        let blocks = arrange(blocks(map, entries), filter: context.filter, sort: context.pane(0).sort)
        let layout = drawBlocks(blocks, pane: context.pane(0), in: body, grid: &grid)
        drawDetail(layout, blocks: blocks, at: rest.maxY - 1, x: rest.x, width: rest.width, grid: &grid)
        return [layout]
    }

    private static func drawHeader(_ map: RankMap, entries: [RankMap.Entry], in rect: Rect, grid: inout CellGrid) {
        var counts: [RankStatus: Int] = [:]
        for entry in entries { counts[entry.status, default: 0] += 1 }
        let waiting = entries.filter { $0.status == .running && $0.blockedMs >= 1_000 }.count
        let note = "\(map.job) · \(Formats.count(entries.count)) ranks · \(Formats.count(map.nodes.count)) nodes · "
            + "\(counts[.running] ?? 0) running · \(waiting) waiting · \(counts[.stopped] ?? 0) stopped · "
            + "\(counts[.died] ?? 0) died · \(counts[.finished] ?? 0) ended"
        ViewContext.section("RANKS", in: rect, grid: &grid, note: note)
        var line = Line(x: rect.x + 1, y: rect.y + 1, end: rect.x + rect.width)
        let legend: [(String, Style)] = [
            ("compute vs median ", .dim), ("·", .heat0), (" ░1.1×", .heat1), (" ▒1.25×", .heat2), (" ▓1.5×", .heat3),
            (" █2×  ", .heat4), ("W waiting ", .waiting), ("S stopped ", .stopped), ("X died ", .dead), ("- ended", .finished),
        ]
        for (text, style) in legend { line.add(text, style, &grid) }
    }

    static func blocks(_ map: RankMap, _ entries: [RankMap.Entry]) -> [Block] {
        var blocks: [Block] = []
        for entry in entries {
            if blocks.last?.node != map.nodes[entry.node] {
                blocks.append(Block(node: map.nodes[entry.node], entries: [], worstGap: 0, longestBlockedMs: 0))
            }
            blocks[blocks.count - 1].entries.append(entry)
            blocks[blocks.count - 1].worstGap = max(blocks[blocks.count - 1].worstGap, entry.gapPercent)
            blocks[blocks.count - 1].longestBlockedMs = max(blocks[blocks.count - 1].longestBlockedMs, entry.blockedMs)
        }
        return blocks
    }

    /// The filter matches node names; the sort is by name, worst lateness or longest wait.
    static func arrange(_ blocks: [Block], filter: RowFilter?, sort: SortOrder?) -> [Block] {
        var shown = blocks
        if let filter, case .success(let matches) = filter.matcher() { shown = shown.filter { matches($0.node) } }
        guard let sort else { return shown.sorted { $0.node.naturallyPrecedes($1.node) } }
        let ordered = shown.enumerated().sorted { a, b in
            let (x, y) = (a.element, b.element)
            let less: Bool
            switch sort.column {
            case 1: less = x.worstGap == y.worstGap ? a.offset < b.offset : x.worstGap > y.worstGap
            case 2: less = x.longestBlockedMs == y.longestBlockedMs ? a.offset < b.offset : x.longestBlockedMs > y.longestBlockedMs
            default: less = x.node.naturallyPrecedes(y.node)
            }
            return sort.ascending ? less : !less
        }
        return ordered.map(\.element)
    }

    private static func drawBlocks(_ blocks: [Block], pane: PaneState, in body: Rect, grid: inout CellGrid) -> PaneLayout {
        guard !blocks.isEmpty, body.height > 0 else {
            grid.put("no ranks match", x: body.x + 1, y: body.y, style: .dim)
            return PaneLayout(ids: [], pageRows: body.height, sortColumns: sortColumns)
        }
        let label = min(16, blocks.map { $0.node.count }.max() ?? 1)
        let blockWidth = max(1, min(body.width - label - 2, blocks.map(\.entries.count).max() ?? 1))
        // Each block with its node's name when all fit on the screen; else a row's first name, many blocks a row.
        let labeledPerRow = max(1, (body.width - 1) / (label + blockWidth + 3))
        let labeled = (blocks.count + labeledPerRow - 1) / labeledPerRow <= body.height
        let perRow = labeled ? labeledPerRow : max(1, (body.width - label - 1) / (blockWidth + 1))
        var ids: [String] = []
        ids.reserveCapacity(blocks.count * blockWidth)
        for (b, block) in blocks.enumerated() {
            let shown = shownRanks(block, width: blockWidth)
            for k in 0..<blockWidth { ids.append(k < shown ? "\(block.entries[k].rank)" : "-\(b).\(k)") }
        }
        let cursor = TableDrawing.resolveCursor(pane, ids: PaneIDs(ids))
        let cells = perRow * blockWidth
        let rows = (blocks.count + perRow - 1) / perRow
        let scroll = TableDrawing.keepInView(cursor: cursor / cells, scroll: pane.scroll, page: body.height, count: rows)
        for line in 0..<body.height where scroll + line < rows {
            let y = body.y + line, first = (scroll + line) * perRow
            if !labeled { grid.put(blocks[first].node, x: body.x + 1, y: y, columns: label, style: .dim) }
            for n in 0..<min(perRow, blocks.count - first) {
                let block = blocks[first + n]
                var x0 = body.x + 2 + label + n * (blockWidth + 1)
                if labeled {
                    x0 = body.x + 1 + n * (label + blockWidth + 3)
                    grid.put(block.node, x: x0, y: y, columns: label, style: .dim)
                    x0 += label + 1
                }
                let shown = shownRanks(block, width: blockWidth)
                for (k, entry) in block.entries.prefix(shown).enumerated() {
                    let (glyph, style) = look(entry)
                    let selected = (first + n) * blockWidth + k == cursor
                    grid[x0 + k, y] = Cell(glyph, selected ? .selected : style)
                }
                if shown < block.entries.count {
                    grid[x0 + shown, y] = Cell("+", (first + n) * blockWidth + shown == cursor ? .selected : .bold)
                }
            }
        }
        return PaneLayout(ids: PaneIDs(ids), pageRows: body.height, perRow: cells, cursor: cursor, scroll: scroll, sortColumns: sortColumns)
    }

    /// Ranks of `block` drawn in `width` cells: all, or all but the last cell's worth, which says "+" (more than fit).
    static func shownRanks(_ block: Block, width: Int) -> Int {
        block.entries.count <= width ? block.entries.count : width - 1
    }

    /// A rank's glyph and style: its state, else how long it computes against the job's median.
    static func look(_ entry: RankMap.Entry) -> (Unicode.Scalar, Style) {
        switch entry.status {
        case .died: return ("X", .dead)
        case .finished: return ("-", .finished)
        case .stopped: return ("S", .stopped)
        case .running:
            if entry.blockedMs >= 1_000 { return ("W", .waiting) }
            let level = lateness(entry.gapPercent)
            return (["·", "░", "▒", "▓", "█"][level], .heat(level))
        }
    }

    static func lateness(_ gapPercent: Int) -> Int {
        switch gapPercent {
        case ..<110: 0
        case ..<125: 1
        case ..<150: 2
        case ..<200: 3
        default: 4
        }
    }

    private static func drawDetail(_ layout: PaneLayout, blocks: [Block], at y: Int, x: Int, width: Int, grid: inout CellGrid) {
        grid.fill(Rect(x: x, y: y, width: width, height: 1), style: .dim, with: "─")
        guard layout.ids.indices.contains(layout.cursor), !blocks.isEmpty else { return }
        let perBlock = layout.ids.count / blocks.count
        let block = blocks[layout.cursor / perBlock], k = layout.cursor % perBlock
        var text = " \(block.node): "
        if k < shownRanks(block, width: perBlock) {
            let e = block.entries[k]
            text += "rank \(e.rank) \(e.status.rawValue)"
                + (e.gapPercent > 0 ? " · computes \(e.gapPercent)% of the job's median" : " · compute not measured yet")
                + (e.blockedMs > 0 ? " · blocked in a collective for \(DurationText.precise(e.blockedMs * 1_000_000))" : "")
        } else if shownRanks(block, width: perBlock) < block.entries.count {
            text += "\(block.entries.count) ranks, \(shownRanks(block, width: perBlock)) shown at this width (widen the terminal, or /\(block.node))"
        } else {
            text += "\(block.entries.count) ranks (no rank in this cell)"
        }
        grid.put(text + " ", x: x + 1, y: y, style: .bold, limit: width - 2)
    }
}
