import VigilCore

/// The current job's node × node matrix: probe bandwidth, probe latency or
/// point-to-point traffic (`m` cycles), each cell against the matrix's
/// median, the slow ones marked. Wide cells with numbers when the nodes
/// fit, one character a cell when they do not.
enum LinksView {
    struct Matrix {
        var nodes: [String]
        /// By row × nodes.count + column.
        var values: [Int: Double]
        var median: Double?
        var metric: LinkMetric

        func value(_ row: Int, _ column: Int) -> Double? { values[row * nodes.count + column] }

        /// 0 (normal) … 4 (far off the median): bandwidth below it, latency above it.
        func level(_ v: Double) -> Int {
            guard let median, median > 0 else { return 0 }
            let ratio = metric == .probeLatency ? v / median : median / max(v, 1e-9)
            return ratio < 1.25 ? 0 : ratio < 1.5 ? 1 : ratio < 2 ? 2 : ratio < 4 ? 3 : 4
        }

        func isSlow(_ v: Double) -> Bool { level(v) >= 3 }

        func text(_ v: Double) -> String {
            metric == .probeLatency ? DurationText.precise(UInt64(v)) : Formats.rate(v).replacingOccurrences("/s", "")
        }
    }

    static func matrix(_ model: ConsoleModel, metric: LinkMetric, filter: RowFilter?) -> Matrix {
        let jobNodes = model.rankMap.job == model.linksJob ? model.rankMap.nodes : []
        let named = Set(model.probes.flatMap { [$0.from, $0.to] } + model.links.flatMap { [$0.from, $0.to] } + jobNodes)
        var nodes = named.sorted { $0.naturallyPrecedes($1) }
        if let filter, case .success(let matches) = filter.matcher() { nodes = nodes.filter(matches) }
        let index = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($0.element, $0.offset) })
        var values: [Int: Double] = [:]
        func set(_ from: String, _ to: String, _ v: Double, overwrite: Bool = true) {
            guard let r = index[from], let c = index[to] else { return }
            if overwrite || values[r * nodes.count + c] == nil { values[r * nodes.count + c] = v }
        }
        switch metric {
        case .probeBandwidth, .probeLatency:
            for p in model.probes where p.answered {
                let v = metric == .probeLatency ? Double(p.rttNs) : p.bytesPerSecond
                set(p.from, p.to, v)
                set(p.to, p.from, v, overwrite: false)  // a link serves both ways
            }
        case .traffic:
            for l in model.links where l.busyNs > 0 { set(l.from, l.to, l.bytesPerSecond) }
        }
        let sorted = values.values.sorted()
        return Matrix(nodes: nodes, values: values, median: sorted.isEmpty ? nil : sorted[sorted.count / 2], metric: metric)
    }

    static func draw(_ context: ViewContext, in rect: Rect, grid: inout CellGrid) -> [PaneLayout] {
        guard let job = context.job, context.model.linksJob == job else {
            ViewContext.section("LINKS", in: rect, grid: &grid)
            grid.put(context.job.map { "loading the links of \($0)…" } ?? "no job to show", x: rect.x + 1, y: rect.y + 1, style: .dim)
            return [.none]
        }
        let m = matrix(context.model, metric: context.state.linkMetric, filter: context.filter)
        let probed = context.model.probes.map(\.atNs).max()
        ViewContext.section("LINKS", in: rect, grid: &grid,
                            note: "\(context.job ?? "-") · \(m.metric.rawValue) (m cycles) · \(context.model.probes.count) probes"
                                + (probed.map { ", newest \(Formats.age(now: context.now, then: $0)) ago" } ?? ""))
        let body = Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rect.height - 2)
        guard !m.nodes.isEmpty else {
            grid.put("no links measured: the server probes them when collectives slow down; point-to-point traffic shows with m",
                     x: body.x + 1, y: body.y, style: .dim, limit: body.width - 1)
            return [.none]
        }
        let layout = drawMatrix(m, pane: context.pane(0), in: body, grid: &grid)
        drawDetail(m, context.model, layout: layout, at: rect.maxY - 1, x: rect.x, width: rect.width, grid: &grid)
        return [layout]
    }

    private static func drawMatrix(_ m: Matrix, pane: PaneState, in body: Rect, grid: inout CellGrid) -> PaneLayout {
        let n = m.nodes.count
        let label = min(14, m.nodes.map(\.count).max() ?? 1)
        let wide = 8
        let cellWidth = label + 2 + n * wide <= body.width ? wide : 1
        let pageColumns = max(1, (body.width - label - 2) / cellWidth)
        let ids = PaneIDs(rows: m.nodes, columns: m.nodes)
        let cursor = TableDrawing.resolveCursor(pane, ids: ids)
        let (row, column) = (cursor / n, cursor % n)
        let scroll = TableDrawing.keepInView(cursor: row, scroll: pane.scroll, page: body.height - 1, count: n)
        let left = max(0, column - pageColumns + 1)
        grid.put("from \\ to", x: body.x + 1, y: body.y, columns: label, style: .header)
        for c in 0..<min(pageColumns, n - left) where cellWidth > 1 {
            grid.put(m.nodes[left + c], x: body.x + label + 2 + c * cellWidth, y: body.y, columns: cellWidth - 1, style: .header,
                     right: true)
        }
        for line in 0..<(body.height - 1) where scroll + line < n {
            let y = body.y + 1 + line, r = scroll + line
            grid.put(m.nodes[r], x: body.x + 1, y: y, columns: label, style: .dim)
            for c in 0..<min(pageColumns, n - left) {
                let selected = r == row && left + c == column
                let x = body.x + label + 2 + c * cellWidth
                let diagonal = r == left + c
                let value = diagonal ? nil : m.value(r, left + c)
                let style: Style = selected ? .selected : value.map { .heat(m.level($0)) } ?? .dim
                if cellWidth == 1 {
                    let glyph: Unicode.Scalar = diagonal ? "╲" : value.map { m.isSlow($0) ? "!" : "■" } ?? "·"
                    grid[x, y] = Cell(glyph, style)
                } else {
                    let text = diagonal ? "╲" : value.map { (m.isSlow($0) ? "!" : "") + m.text($0) } ?? "·"
                    grid.put(text, x: x, y: y, columns: cellWidth - 1, style: style, right: true)
                }
            }
        }
        return PaneLayout(ids: ids, pageRows: body.height - 1, perRow: n, cursor: cursor, scroll: scroll)
    }

    private static func drawDetail(_ m: Matrix, _ model: ConsoleModel, layout: PaneLayout, at y: Int, x: Int, width: Int,
                                   grid: inout CellGrid) {
        grid.fill(Rect(x: x, y: y, width: width, height: 1), style: .dim, with: "─")
        guard layout.ids.indices.contains(layout.cursor) else { return }
        let pair = layout.ids[layout.cursor].split(separator: "→").map(String.init)
        guard pair.count == 2 else { return }
        let (from, to) = (pair[0], pair[1])
        var text = " \(from) → \(to)"
        guard from != to else {
            grid.put(" \(from): the same node (its ranks talk through shared memory) ", x: x + 1, y: y, style: .bold, limit: width - 2)
            return
        }
        if let p = model.probes.first(where: { ($0.from, $0.to) == (from, to) || ($0.from, $0.to) == (to, from) }) {
            text += p.answered ? " · probe \(Formats.rate(p.bytesPerSecond)), rtt \(DurationText.precise(p.rttNs))" : " · probe unanswered"
            text += " (\(Formats.age(now: model.nowNs, then: p.atNs)) ago)"
        } else {
            text += " · not probed"
        }
        if let l = model.links.first(where: { ($0.from, $0.to) == (from, to) }) {
            text += " · traffic \(Formats.bytes(l.bytes)) in \(Formats.count(l.messages)) messages, \(Formats.rate(l.bytesPerSecond)) while sending"
        }
        if let median = m.median { text += " · median \(m.text(median))" }
        grid.put(text + " ", x: x + 1, y: y, style: .bold, limit: width - 2)
    }
}

extension String {
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
