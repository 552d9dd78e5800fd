import VigilCore

/// Checkpoints (docs/checkpoints.md): each job's standing first — the step
/// each level can restore and the work at risk since — then every
/// checkpoint by level, newest first, with what it cost training and how
/// fast it flushed.
enum CheckpointsView {
    static func draw(_ context: ViewContext, in rect: Rect, grid: inout CellGrid) -> [PaneLayout] {
        let checkpoints = context.model.checkpoints
        let standings = CheckpointStanding.of(checkpoints)
        let (top, bottom) = rect.splitTop(min(standings.count, 4) + 1)
        ViewContext.section("RESTORABLE", in: top, grid: &grid, note: "newest complete step per level · work at risk since")
        for (row, standing) in standings.prefix(top.height - 1).enumerated() {
            grid.put(describe(standing, now: context.now), x: top.x + 1, y: top.y + 1 + row,
                     style: standing.restorable.isEmpty ? .bad : .normal, limit: top.width - 1)
        }
        ViewContext.section("CHECKPOINTS", in: bottom, grid: &grid, note: "\(checkpoints.count) · newest first")
        return [TableDrawing.draw(context.chosen(table(checkpoints, now: context.now)), pane: context.pane(0),
                                  filter: context.filter, focused: context.focused(0), in: bottom.splitTop(1).1, grid: &grid)]
    }

    /// "train  level 1: step 20 (30s ago)  level 2: step 20 (29s ago)  at risk: 10 steps"
    static func describe(_ standing: CheckpointStanding, now: UInt64) -> String {
        let levels = standing.restorable.map {
            "\($0.level.shortName): step \($0.step) (\(Formats.age(now: now, then: $0.completedNs)) ago)"
        }
        return "\(standing.job)  " + (levels.isEmpty ? "nothing restorable" : levels.joined(separator: "  "))
            + "  at risk: \(standing.stepsAtRisk) steps"
    }

    static func table(_ checkpoints: [StoredCheckpoint], now: UInt64) -> Table {
        let columns = [
            Table.Column(title: "JOB", width: 10, letter: "J"),
            Table.Column(title: "STEP", width: 8, right: true, letter: "S"),
            Table.Column(title: "AGE", width: 7, right: true, letter: "T"),
            Table.Column(title: "LEVEL 1", width: 14, letter: "1"),
            Table.Column(title: "BUDDY", width: 14, letter: "U"),
            Table.Column(title: "LEVEL 2", width: 14, letter: "2"),
            Table.Column(title: "BYTES", width: 9, right: true, letter: "B"),
            Table.Column(title: "BLOCKED", width: 8, right: true, letter: "W"),
            Table.Column(title: "FLUSH", width: 10, right: true, letter: "F"),
            Table.Column(title: "PIN", width: 3, letter: "P"),
            Table.Column(title: "FAILURE", width: 16, flexible: true),
        ]
        let rows = checkpoints.map { row -> Table.Row in
            let local = row.level(.local), buddy = row.level(.buddy), shared = row.level(.shared)
            return Table.Row(
                id: "\(row.job)@\(row.step)",
                cells: [row.job, "\(row.step)", Formats.age(now: now, then: row.startedNs), state(local, of: row),
                        state(buddy, of: row), state(shared, of: row), local.map { Formats.bytes($0.bytes) } ?? "-",
                        local.map { DurationText.precise($0.blockedNs) } ?? "-", local.map { Formats.rate($0.bytesPerSecond) } ?? "-",
                        row.pinned ? "yes" : "", row.levels.compactMap(\.failure).first ?? ""],
                cellStyles: [3: style(local), 4: style(buddy), 5: style(shared)],
                sortKeys: [.text(row.job), .number(Double(row.step)), .number(-Double(row.startedNs)),
                           .text(local?.state.rawValue ?? ""), .text(buddy?.state.rawValue ?? ""),
                           .text(shared?.state.rawValue ?? ""),
                           .number(Double(local?.bytes ?? 0)), .number(Double(local?.blockedNs ?? 0)),
                           .number(local?.bytesPerSecond ?? 0), .text(row.pinned ? "yes" : ""), .missing])
        }
        return Table(columns: columns, rows: rows,
                     empty: "no checkpoints: a job saves them with libvigil's client (vigil.h), e.g. vigil-train --checkpoint-every K")
    }

    private static func state(_ level: StoredCheckpoint.Level?, of row: StoredCheckpoint) -> String {
        level?.progress(of: row.worldSize) ?? "-"
    }

    private static func style(_ level: StoredCheckpoint.Level?) -> Style {
        switch level?.state {
        case .complete: .good
        case .failed: .bad
        case .abandoned, .removing, .removed, nil: .dim
        case .copying, .staged, .partial, .committing: .normal
        }
    }
}
