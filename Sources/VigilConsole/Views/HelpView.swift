/// Keys and commands, as k9s and htop users expect them.
enum HelpView {
    static let lines: [String] = [
        "VIEWS         1 overview  2 ranks  3 nodes  4 collectives  5 links  6 incidents  7 timeline  8 runs  9 checkpoints",
        "              0 recovery, or :overview :ranks … :checkpoints :recovery (Tab completes)",
        "",
        "MOVE          j k or ↓ ↑ rows · h l or ← → across heat maps · PgDn PgUp (^f ^b) pages · g G first, last",
        "OPEN          Enter drills down (job → its ranks, node → its ranks, incident → its evidence, run → its output)",
        "              Esc clears the filter, then goes back · Tab / Shift-Tab switch panes",
        "FILTER        /regex keeps matching rows (case-insensitive), /!regex the others; Esc clears it",
        "SORT          < > choose the sort column · Shift+letter sorts by that column, again reverses (▲▼ in the header)",
        "MARK          space marks rows (nodes view: :cordon and :uncordon then act on the marked nodes)",
        "LINKS         m cycles the matrix: probe bandwidth, probe latency, point-to-point traffic",
        "RECOVERY      a approves the plan under the cursor, if it awaits approval (asks first; the server carries it out)",
        "OTHER         r refreshes now · ? this help · q or :q quits (Ctrl-C too)",
        "",
        "COMMANDS      :job NAME          the job the ranks, collectives, links and runs views show",
        "              :cordon [NODE…]    keep launches off nodes (asks first; recorded by the server)",
        "              :uncordon [NODE…]  let launches choose them again",
        "              without NODE: the marked nodes, else the node under the cursor",
        "",
        "RANKS         · on time  ░ ≥1.1×  ▒ ≥1.25×  ▓ ≥1.5×  █ ≥2× the job's median compute between collectives",
        "              W blocked in a collective over 1 s (a waiter: look for who it waits on)  S stopped  X died  - finished",
        "EVIDENCE      hangs: who entered the collective when, who never arrived · stragglers: compute ░ then time inside █,",
        "              aligned where every member left: the late arriver computes longest and waits least",
        "DATA          every view gives its data's age; STALE and the reason when the server does not answer —",
        "              the last good data stays on screen and the console reconnects by itself",
    ]

    /// The lines at `width`: each entry's text wrapped under its label.
    static func wrapped(width: Int) -> [(label: String, text: String)] {
        var out: [(String, String)] = []
        for line in lines {
            let label = String(line.prefix(14)), text = String(line.dropFirst(14))
            let chunks = EvidenceView.wrap(text, width: max(10, width - 16))
            out.append((label, chunks.first ?? ""))
            for chunk in chunks.dropFirst() { out.append(("", "  " + chunk)) }
        }
        return out
    }

    static func draw(_ context: ViewContext, in rect: Rect, grid: inout CellGrid) -> [PaneLayout] {
        ViewContext.section("HELP", in: rect, grid: &grid, note: context.state.readOnly ? "read-only: actions are refused" : "")
        let body = rect.splitTop(1).1
        let lines = wrapped(width: body.width)
        // The cursor is the top line: j and k scroll at once.
        let scroll = min(context.pane(0).cursor, max(0, lines.count - body.height))
        for row in 0..<body.height where scroll + row < lines.count {
            let (label, text) = lines[scroll + row]
            grid.put(label, x: body.x + 1, y: body.y + row, style: .bold, limit: 14)
            grid.put(text, x: body.x + 15, y: body.y + row, limit: body.width - 15)
        }
        return [PaneLayout(ids: PaneIDs(lines.indices.map(String.init)), pageRows: body.height, cursor: scroll, scroll: scroll)]
    }
}
