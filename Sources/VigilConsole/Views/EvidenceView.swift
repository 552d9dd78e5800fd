import VigilCore

/// One incident's evidence: its numbers and suspects, and for hangs and
/// stragglers the collective instance drawn member by member — who entered
/// when and who never arrived, or who computed how long before it.
enum EvidenceView {
    static func draw(_ context: ViewContext, in rect: Rect, grid: inout CellGrid) -> [PaneLayout] {
        guard let id = context.state.incidentID, let stored = context.model.incident(id) else {
            ViewContext.section("EVIDENCE", in: rect, grid: &grid)
            grid.put("no such incident (any more): Esc goes back", x: rect.x + 1, y: rect.y + 1, style: .dim)
            return [.none]
        }
        let i = stored.incident
        let header = headerLines(stored, now: context.now, width: rect.width - 2)
        let (top, bottom) = rect.splitTop(header.count + 1)
        ViewContext.section("INCIDENT #\(stored.id)", in: top, grid: &grid, note: i.resolvedNs == nil ? "open" : "resolved")
        for (row, line) in header.enumerated() {
            var cursor = Line(x: rect.x + 1, y: top.y + 1 + row, end: rect.x + rect.width)
            for (text, style) in line { cursor.add(text, style, &grid) }
        }
        guard let members = i.evidence.members, !members.isEmpty else {
            ViewContext.section("MEMBERS", in: bottom, grid: &grid)
            grid.put("this class has no collective instance to draw", x: bottom.x + 1, y: bottom.y + 1, style: .dim)
            return [.none]
        }
        let timeline = InstanceTimeline(members: members, untilNs: i.evidence.takenNs ?? i.detectedNs)
        let title = "INSTANCE " + (i.evidence.seq.map { "#\($0)" } ?? "")
            + (i.evidence.communicator.map { " on \(AgentReport.hex($0))" } ?? "")
        let note = (timeline.arrived ? "compute ░ then inside █, aligned where each left" : "who entered when, who never arrived")
            + ((i.evidence.otherMembers ?? 0) > 0 ? " · \(i.evidence.otherMembers!) more members not shown" : "")
        ViewContext.section(title, in: bottom, grid: &grid, note: note)
        return [timeline.draw(pane: context.pane(0), culprits: Set(i.suspects.compactMap(\.rank)),
                              in: bottom.splitTop(1).1, grid: &grid)]
    }

    private static func headerLines(_ stored: StoredIncident, now: UInt64, width: Int) -> [[(String, Style)]] {
        let i = stored.incident
        var lines: [[(String, Style)]] = [
            [(i.incidentClass.rawValue, .bad), (" · job ", .normal), (i.job, .bold),
             (" · confidence \(Formats.decimal(i.confidence, 2))", .normal),
             (" · onset \(Formats.age(now: now, then: i.firstSeenNs)) ago · detected \(Formats.age(now: now, then: i.detectedNs)) ago", .normal),
             (i.resolvedNs.map { " · resolved \(Formats.age(now: now, then: $0)) ago" } ?? "", .good)],
            [("CULPRIT ", .bold), (i.suspects.prefix(12).map(\.description).joined(separator: ", ")
                + (i.suspects.count > 12 ? " +\(i.suspects.count - 12)" : ""), .bad)],
        ]
        if let expected = i.evidence.expectedNs, let observed = i.evidence.observedNs {
            lines.append([("NUMBERS ", .bold), ("expected \(DurationText.precise(expected)) · observed \(DurationText.precise(observed))", .normal)])
        }
        if let count = i.evidence.victimCount, count > 0 {
            let shown = i.evidence.victims ?? []
            let who = count == 1 ? "1 rank waits" : "\(count) ranks wait"
            lines.append([("WAITING ", .bold), (who + " on the culprit, not at fault: "
                + shown.map(String.init).joined(separator: ",") + (count > shown.count ? ",…" : ""), .normal)])
        }
        if let occurrences = i.evidence.occurrences, occurrences > 1 {
            lines.append([("RETURNS ", .bold), ("found \(occurrences) times with gaps between; one incident, held open", .normal)])
        }
        for (n, chunk) in wrap(i.evidence.summary, width: max(10, width - 8)).prefix(3).enumerated() {
            lines.append([(n == 0 ? "WHY     " : "        ", .bold), (chunk, .normal)])
        }
        return lines
    }

    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = [], line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty, line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        return line.isEmpty ? lines : lines + [line]
    }
}
