/// Lays a `Table` out in a rectangle: the filter and sort applied, the
/// header with the sort marked, the cursor kept in view, marks shown.
enum TableDrawing {
    static func draw(_ table: Table, pane: PaneState, filter: RowFilter?, focused: Bool, in rect: Rect,
                     grid: inout CellGrid) -> PaneLayout {
        guard rect.height > 0, rect.width > 0 else { return .none }
        var rows = table.rows
        if let filter, case .success(let matches) = filter.matcher() {
            rows = rows.filter { matches($0.cells.joined(separator: " ")) }
        }
        let sorted = pane.sort.flatMap { table.columnIndex(ofSortColumn: $0.column) }
        if let column = sorted, let order = pane.sort {
            rows = stableSorted(rows, column: column, ascending: order.ascending)
        }
        let widths = columnWidths(table.columns, available: rect.width)
        drawHeader(table.columns, widths: widths, sortedColumn: sorted, ascending: pane.sort?.ascending ?? true,
                   at: rect.y, x: rect.x, width: rect.width, grid: &grid)
        let body = Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rect.height - 1)
        let ids = PaneIDs(rows.map(\.id))
        let cursor = resolveCursor(pane, ids: ids)
        let scroll = keepInView(cursor: cursor, scroll: pane.scroll, page: body.height, count: rows.count)
        if rows.isEmpty {
            let why = table.rows.isEmpty ? table.empty : "nothing matches /\(filter?.typed ?? "")"
            grid.put(why, x: body.x + 1, y: body.y, style: .dim, limit: body.width - 1)
        }
        for line in 0..<body.height where scroll + line < rows.count {
            let index = scroll + line
            let row = rows[index]
            let style = index == cursor && focused ? Style.selected : pane.marks.contains(row.id) ? .marked : row.style
            drawRow(row, widths: widths, columns: table.columns, style: style, plain: style == .selected || style == .marked,
                    at: body.y + line, x: body.x, width: body.width, grid: &grid)
        }
        return PaneLayout(ids: ids, pageRows: body.height, cursor: cursor, scroll: scroll, sortColumns: table.sortColumns)
    }

    /// Equal keys keep their order (the model's), so rows do not jump between refreshes.
    static func stableSorted(_ rows: [Table.Row], column: Int, ascending: Bool) -> [Table.Row] {
        rows.enumerated().sorted { a, b in
            let x = a.element.sortKeys[column], y = b.element.sortKeys[column]
            if x == y { return a.offset < b.offset }
            if x == .missing || y == .missing { return y == .missing }
            return ascending ? x < y : y < x
        }.map(\.element)
    }

    static func resolveCursor(_ pane: PaneState, ids: PaneIDs) -> Int {
        if let id = pane.cursorID, let index = ids.position(of: id) { return index }
        return ids.isEmpty ? 0 : min(pane.cursor, ids.count - 1)
    }

    static func keepInView(cursor: Int, scroll: Int, page: Int, count: Int) -> Int {
        guard page > 0 else { return 0 }
        var top = min(scroll, max(0, count - page))
        if cursor < top { top = cursor }
        if cursor >= top + page { top = cursor - page + 1 }
        return max(0, top)
    }

    /// Fixed columns as asked, left to right while they fit (one blank
    /// between), flexible ones sharing the rest; 0 for columns left out.
    static func columnWidths(_ columns: [Table.Column], available: Int) -> [Int] {
        var widths = [Int](repeating: 0, count: columns.count)
        var used = 1  // left margin
        for (i, column) in columns.enumerated() {
            let need = column.width + (i == 0 ? 0 : 1)
            guard used + need <= available else { break }
            widths[i] = column.width
            used += need
        }
        var flexible = columns.indices.filter { columns[$0].flexible && widths[$0] > 0 }
        var left = available - used
        // Share what is left; a column at its maximum gives its share back to the others.
        while left > 0, !flexible.isEmpty {
            let share = max(1, left / flexible.count)
            for i in flexible where left > 0 {
                let grow = min(share, columns[i].maxWidth - widths[i], left)
                widths[i] += grow
                left -= grow
            }
            flexible = flexible.filter { widths[$0] < columns[$0].maxWidth }
        }
        return widths
    }

    private static func drawHeader(_ columns: [Table.Column], widths: [Int], sortedColumn: Int?, ascending: Bool,
                                   at y: Int, x: Int, width: Int, grid: inout CellGrid) {
        grid.fill(Rect(x: x, y: y, width: width, height: 1), style: .header)
        var column = x + 1
        for (i, c) in columns.enumerated() where widths[i] > 0 {
            let title = c.title + (i == sortedColumn ? (ascending ? "▲" : "▼") : "")
            grid.put(title, x: column, y: y, columns: widths[i], style: .header, right: c.right)
            column += widths[i] + 1
        }
    }

    /// `text` cut to `width` columns with an ellipsis (or its end kept, for `tail`).
    static func fitted(_ text: String, _ width: Int, tail: Bool = false) -> String {
        let w = DisplayWidth.of(text)
        guard w > width, width > 0 else { return text }
        if tail { return String(text.unicodeScalars.suffix(width).map(Character.init)) }
        var out = "", used = 0
        for scalar in text.unicodeScalars {
            let sw = DisplayWidth.of(scalar)
            guard used + sw <= width - 1 else { break }
            out.unicodeScalars.append(scalar)
            used += sw
        }
        return out + "…"
    }

    private static func drawRow(_ row: Table.Row, widths: [Int], columns: [Table.Column], style: Style, plain: Bool,
                                at y: Int, x: Int, width: Int, grid: inout CellGrid) {
        grid.fill(Rect(x: x, y: y, width: width, height: 1), style: style)
        var column = x + 1
        for (i, text) in row.cells.enumerated() where i < widths.count && widths[i] > 0 {
            let cellStyle = plain ? style : row.cellStyles[i] ?? style
            grid.put(fitted(text, widths[i], tail: columns[i].tail), x: column, y: y, columns: widths[i], style: cellStyle,
                     right: columns[i].right)
            column += widths[i] + 1
        }
    }
}
