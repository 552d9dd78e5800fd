import VigilCore
import VigilRecovery

/// Recovery (docs/recovery.md): each job's goodput first, then every
/// recovery newest first (pane 0) and the selected one's incident → plan →
/// actions → cost (pane 1). `a` approves a plan awaiting approval.
enum RecoveryView {
    static func draw(_ context: ViewContext, in rect: Rect, grid: inout CellGrid) -> [PaneLayout] {
        let goodput = context.model.goodput
        let (top, rest) = rect.splitTop(min(goodput.count, 3) + 1)
        ViewContext.section("GOODPUT", in: top, grid: &grid, note: "productive training over wall time · lost time by cause")
        for (row, g) in goodput.prefix(top.height - 1).enumerated() {
            grid.put(describe(g), x: top.x + 1, y: top.y + 1 + row, style: g.ettr < 0.9 ? .warn : .normal, limit: top.width - 1)
        }
        let recoveries = context.model.recoveries
        let (middle, bottom) = rest.splitTop(min(max(4, recoveries.count + 2), max(4, rest.height / 2)))
        let awaiting = recoveries.filter { $0.state == .awaitingApproval }.count
        ViewContext.section("RECOVERIES", in: middle, grid: &grid,
                            note: "\(recoveries.count) · newest first" + (awaiting > 0 ? " · \(awaiting) awaiting approval: a approves" : ""))
        let table = TableDrawing.draw(context.chosen(self.table(recoveries, now: context.now)), pane: context.pane(0),
                                      filter: context.filter, focused: context.focused(0), in: middle.splitTop(1).1, grid: &grid)
        let selected = table.ids.indices.contains(table.cursor) ? recoveries.first { "\($0.id)" == table.ids[table.cursor] } : nil
        ViewContext.section("PLAN", in: bottom, grid: &grid, note: selected.map { "recovery \($0.id) · \($0.job)" } ?? "")
        let body = bottom.splitTop(1).1
        let lines = selected.map(details) ?? []
        for (row, line) in lines.prefix(body.height).enumerated() {
            grid.put(line.text, x: body.x + 1, y: body.y + row, style: line.style, limit: body.width - 1)
        }
        return [table, .none]
    }

    /// "train  ETTR 0.962  wall 10m02s  lost: detection 2.1s, stop 1.0s, …"
    static func describe(_ g: Goodput) -> String {
        let causes = Goodput.Cause.allCases.filter { g.lost($0) > 0 }.map { "\($0.rawValue) \(DurationText.precise(g.lost($0)))" }
        return "\(g.job)  ETTR \(Formats.decimal(g.ettr, 3))  wall \(DurationText.whole(g.wallNs))  restarts \(g.restarts)"
            + "  rolled back \(g.stepsRolledBack) steps  lost: " + (causes.isEmpty ? "nothing" : causes.joined(separator: ", "))
    }

    static func table(_ recoveries: [StoredRecovery], now: UInt64) -> Table {
        let columns = [
            Table.Column(title: "ID", width: 4, right: true, letter: "I"),
            Table.Column(title: "JOB", width: 10, letter: "J"),
            Table.Column(title: "ATT", width: 3, right: true, letter: "A"),
            Table.Column(title: "CLASS", width: 22, letter: "C"),
            Table.Column(title: "STATE", width: 17, letter: "S"),
            Table.Column(title: "AGE", width: 6, right: true, letter: "T"),
            Table.Column(title: "TO TRAIN", width: 8, right: true, letter: "R"),
            Table.Column(title: "FROM", width: 6, right: true, letter: "F"),
            Table.Column(title: "LOST", width: 9, right: true, letter: "L"),
            Table.Column(title: "WHY", width: 20, flexible: true),
        ]
        let rows = recoveries.map { r -> Table.Row in
            let toTrain = r.firstStepNs.map { $0 - min($0, r.detectedNs) }
            return Table.Row(
                id: "\(r.id)",
                cells: ["\(r.id)", r.job, "\(r.attempt)", r.incidentClass?.rawValue ?? "manual", r.state.rawValue,
                        Formats.age(now: now, then: r.detectedNs), toTrain.map(DurationText.precise) ?? "-",
                        r.restoredStep.map { "\($0)" } ?? "-", r.rankSecondsLost.map { "\(Int($0.rounded())) rk-s" } ?? "-",
                        r.failure.map { "failed: \($0)" } ?? r.why.joined(separator: "; ")],
                style: r.state == .ignored ? .dim : .normal, cellStyles: [4: style(r.state)],
                sortKeys: [.number(Double(r.id)), .text(r.job), .number(Double(r.attempt)), .text(r.incidentClass?.rawValue ?? ""),
                           .text(r.state.rawValue), .number(-Double(r.detectedNs)), toTrain.map { .number(Double($0)) } ?? .missing,
                           r.restoredStep.map { .number(Double($0)) } ?? .missing, r.rankSecondsLost.map { .number($0) } ?? .missing,
                           .missing])
        }
        return Table(columns: columns, rows: rows, empty: "no recoveries: none needed, or `vigil server --recovery` is off")
    }

    static func style(_ state: StoredRecovery.State) -> Style {
        switch state {
        case .training: .good
        case .failed, .gaveUp: .bad
        case .awaitingApproval, .waiting, .stopping, .launching, .starting: .warn
        case .ignored, .dryRun: .dim
        }
    }

    /// The incident, the plan's choices, each step's time since detection, the cost.
    static func details(_ r: StoredRecovery) -> [(text: String, style: Style)] {
        var lines: [(String, Style)] = [("incident  \(r.incidentKey)", .normal)]
        for why in r.why { lines.append(("why       \(why)", .normal)) }
        if let plan = r.plan {
            lines.append(("hosts     attempt \(plan.attempt + 1) on " + plan.hosts.map { "\($0.host):\($0.slots)" }.joined(separator: ",")
                          + (plan.cordon.isEmpty ? "" : " · cordon \(plan.cordon.joined(separator: ","))"), .normal))
        }
        lines.append(("timeline  " + timeline(r), .normal))
        if let lost = r.rankSecondsLost { lines.append(("cost      \(Int(lost.rounded())) rank-seconds lost", .normal)) }
        if let failure = r.failure { lines.append(("failed    \(failure)", .bad)) }
        if r.state == .awaitingApproval { lines.append(("a approves this plan", .warn)) }
        return lines
    }

    /// "fault seen -0.8s · detected · decided +0.0s · stopped +1.1s · launched +1.5s · restored step 40 (0.3s) +2.9s · training +3.2s"
    static func timeline(_ r: StoredRecovery) -> String {
        func at(_ ns: UInt64?) -> String? {
            ns.map { $0 >= r.detectedNs ? "+" + DurationText.precise($0 - r.detectedNs) : "-" + DurationText.precise(r.detectedNs - $0) }
        }
        var steps = ["fault seen \(at(r.firstSeenNs)!)", "detected", "decided \(at(r.decidedNs)!)"]
        if let approved = at(r.approvedNs) { steps.append("approved \(approved)") }
        if let stopped = at(r.stoppedNs) { steps.append("stopped \(stopped)") }
        if let launched = at(r.launchedNs) { steps.append("launched \(launched)") }
        if let restored = at(r.restoredNs), let step = r.restoredStep {
            steps.append("restored step \(step)" + (r.restoreNs.map { " (\(DurationText.precise($0)))" } ?? "") + " \(restored)")
        }
        if let training = at(r.firstStepNs) { steps.append("training \(training)") }
        return steps.joined(separator: " · ")
    }
}
