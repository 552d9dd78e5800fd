import VigilCore

/// A collective instance drawn member by member. A hang: bars from when
/// each member entered to detection, "never entered" for the absent. A
/// straggler: each member's compute (░) then its time inside (█), right-
/// aligned where it left — members leave a collective together, so this
/// needs no clock shared across nodes.
struct InstanceTimeline {
    let members: [Incident.Member]
    /// Where the bars end: when the members were last judged.
    let untilNs: UInt64

    /// Every member took part (a straggler's instance, complete).
    var arrived: Bool { members.allSatisfy { $0.state == .arrived && $0.insideNs != nil } }

    func draw(pane: PaneState, culprits: Set<Int>, in rect: Rect, grid: inout CellGrid) -> PaneLayout {
        guard rect.height > 1 else { return .none }
        let labels = 30
        let barWidth = max(8, rect.width - labels - 26)
        grid.fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: 1), style: .header)
        grid.put(" RANK NODE         STATE", x: rect.x, y: rect.y, style: .header)
        grid.put(arrived ? "compute ░ · inside █" : "time in the collective, as last judged", x: rect.x + labels, y: rect.y,
                 style: .header, limit: rect.width - labels)
        let body = rect.splitTop(1).1
        let cursor = min(pane.cursor, max(0, members.count - 1))
        let scroll = TableDrawing.keepInView(cursor: cursor, scroll: pane.scroll, page: body.height, count: members.count)
        let scale = self.scale()
        for row in 0..<body.height where scroll + row < members.count {
            let member = members[scroll + row]
            let y = body.y + row
            let selected = scroll + row == cursor
            let base: Style = selected ? .selected : culprits.contains(member.rank) ? .bold : .normal
            grid.fill(Rect(x: body.x, y: y, width: body.width, height: 1), style: base)
            grid.put("\(member.rank)", x: body.x, y: y, columns: 5, style: base, right: true)
            grid.put(member.node, x: body.x + 6, y: y, columns: 12, style: base)
            grid.put(member.state.rawValue, x: body.x + 19, y: y, columns: 9, style: selected ? base : style(member.state))
            drawBar(member, scale: scale, x: body.x + labels, width: barWidth, y: y, selected: selected, grid: &grid)
            grid.put(describe(member), x: body.x + labels + barWidth + 1, y: y, style: base,
                     limit: body.width - labels - barWidth - 1)
        }
        return PaneLayout(ids: PaneIDs(members.map { "\($0.rank)" }), pageRows: body.height, cursor: cursor, scroll: scroll)
    }

    /// The longest bar: from the first to enter until detection (hang), or the longest compute + inside (straggler).
    private func scale() -> UInt64 {
        if arrived { return max(1, members.map { ($0.computeNs ?? 0) + ($0.insideNs ?? 0) }.max() ?? 1) }
        let first = members.compactMap(\.enteredNs).min() ?? untilNs
        return max(1, untilNs - min(untilNs, first))
    }

    private func drawBar(_ m: Incident.Member, scale: UInt64, x: Int, width: Int, y: Int, selected: Bool, grid: inout CellGrid) {
        func columns(_ ns: UInt64) -> Int { Int((Double(ns) / Double(scale) * Double(width)).rounded()) }
        if arrived {
            let inside = max(1, columns(m.insideNs ?? 0)), compute = min(width - inside, columns(m.computeNs ?? 0))
            let start = x + width - inside - compute
            grid.put(String(repeating: "░", count: compute), x: start, y: y, style: selected ? .selected : .heat3)
            grid.put(String(repeating: "█", count: inside), x: start + compute, y: y, style: selected ? .selected : .waiting)
            return
        }
        guard let entered = m.enteredNs else {
            let (text, style): (String, Style) = switch m.state {
            case .arrived: ("entered and left", .dim)
            case .stopped: ("✗ stopped", .bad)
            default: ("✗ never entered", .bad)
            }
            grid.put(text, x: x, y: y, style: selected ? .selected : style, limit: width)
            return
        }
        let waited = untilNs - min(untilNs, entered)
        let length = max(1, min(width, columns(waited)))
        grid.put(String(repeating: m.state == .stopped ? "▒" : "█", count: length), x: x + width - length, y: y,
                 style: selected ? .selected : m.state == .stopped ? .stopped : .waiting)
    }

    private func describe(_ m: Incident.Member) -> String {
        if arrived {
            return "compute \(DurationText.precise(m.computeNs ?? 0)) · inside \(DurationText.precise(m.insideNs ?? 0))"
        }
        if let entered = m.enteredNs { return "waited \(DurationText.precise(untilNs - min(untilNs, entered)))" }
        var text = m.lastSeq.map { "never entered; last #\($0)" } ?? (m.state == .stopped ? "stopped outside it" : "")
        if let blocked = m.blockedIn { text += (text.isEmpty ? "" : "; ") + "in \(blocked)" }
        return text
    }

    private func style(_ state: Incident.Member.State) -> Style {
        switch state {
        case .waiting: .waiting
        case .absent: .bad
        case .stopped: .stopped
        case .arrived: .normal
        }
    }
}
