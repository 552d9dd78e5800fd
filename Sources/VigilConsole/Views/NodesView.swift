import VigilCore

/// Every node: up, down or cordoned, heartbeat age, CPU, memory, load, NICs and their errors, GPUs.
enum NodesView {
    static func draw(_ context: ViewContext, in rect: Rect, grid: inout CellGrid) -> [PaneLayout] {
        let s = context.model.summary.nodes
        let marks = context.pane(0).marks.count
        ViewContext.section("NODES", in: rect, grid: &grid,
                            note: "\(s.total) · \(s.up) up · \(s.down) down · \(s.cordoned) cordoned"
                                + (marks > 0 ? " · \(marks) marked (:cordon acts on them)" : ""))
        return [TableDrawing.draw(context.chosen(table(context.model.nodes, now: context.now,
                                                       downAfterNs: context.model.summary.nodeDownAfterNs)),
                                  pane: context.pane(0), filter: context.filter, focused: true, in: rect.splitTop(1).1,
                                  grid: &grid)]
    }

    static func table(_ nodes: [NodeSummary], now: UInt64, downAfterNs: UInt64) -> Table {
        let columns = [
            Table.Column(title: "NODE", width: 10, flexible: true, maxWidth: 32, letter: "N"),
            Table.Column(title: "STATE", width: 8, letter: "S"),
            Table.Column(title: "SCHED", width: 8, letter: "D"),
            Table.Column(title: "SEEN", width: 6, right: true, letter: "E"),
            Table.Column(title: "CPU", width: 4, right: true, letter: "C"),
            Table.Column(title: "MEM", width: 4, right: true, letter: "M"),
            Table.Column(title: "LOAD", width: 6, right: true, letter: "L"),
            Table.Column(title: "NIC ERR", width: 7, right: true, letter: "R"),
            Table.Column(title: "NICS", width: 12, flexible: true, maxWidth: 48),
            Table.Column(title: "GPU", width: 12, letter: "U"),
            Table.Column(title: "BATCHES", width: 8, right: true, letter: "B"),
            Table.Column(title: "LOST", width: 5, right: true, letter: "O"),
        ]
        let rows = nodes.map { node -> Table.Row in
            let state = NodeState(node, nowNs: now, downAfterNs: downAfterNs)
            let h = node.health
            let cpu = h.map { $0.cpuBusyPermille / 10 }
            let memory = h.map { $0.memoryTotalBytes == 0 ? 0 : 100 - Int($0.memoryAvailableBytes * 100 / $0.memoryTotalBytes) }
            let errors = h.map { $0.nics.reduce(UInt64(0)) { $0 + $1.rxErrors + $1.txErrors } }
            let nicsDown = h?.nics.contains { !$0.up } ?? false
            var styles: [Int: Style] = [1: state == .down ? .bad : state == .up ? .good : .dim]
            let scheduling = Self.scheduling(node)
            if scheduling != "ok" { styles[2] = scheduling.hasPrefix("down") ? .bad : .warn }
            if (cpu ?? 0) >= 90 { styles[4] = .warn }
            if (memory ?? 0) >= 90 { styles[5] = .warn }
            if (errors ?? 0) > 0 { styles[7] = .bad }
            if nicsDown { styles[8] = .bad }
            if node.loss.batches > 0 { styles[11] = .warn }
            return Table.Row(
                id: node.name,
                cells: [node.name, state.rawValue, scheduling,
                        Formats.age(now: now, then: node.lastSeenNs == 0 ? nil : node.lastSeenNs),
                        cpu.map { "\($0)%" } ?? "-", memory.map { "\($0)%" } ?? "-",
                        h.map { Formats.decimal(Double($0.load1Centi) / 100, 2) } ?? "-", errors.map { Formats.count($0) } ?? "-",
                        h.map { $0.nics.map { $0.name + ($0.up ? "" : "↓") }.joined(separator: ",") } ?? "-",
                        h.map(gpus) ?? "-", Formats.count(node.lastBatch), Formats.count(node.loss.batches)],
                style: state == .down ? .bad : .normal,
                cellStyles: styles,
                sortKeys: [.text(node.name), .text(state.rawValue), .text(scheduling),
                           node.lastSeenNs == 0 ? .missing : .number(-Double(node.lastSeenNs)),
                           cpu.map { .number(Double($0)) } ?? .missing, memory.map { .number(Double($0)) } ?? .missing,
                           h.map { .number(Double($0.load1Centi)) } ?? .missing, errors.map { .number(Double($0)) } ?? .missing,
                           .missing, h.map { .number(Double($0.gpus.count)) } ?? .missing,
                           .number(Double(node.lastBatch)), .number(Double(node.loss.batches))])
        }
        return Table(columns: columns, rows: rows, empty: "no nodes yet: start `vigil agent run --server ...` on each")
    }

    /// "2×87% 71°C", the busiest GPU's load and the hottest's temperature.
    static func gpus(_ health: NodeHealth) -> String {
        guard !health.gpus.isEmpty else { return "-" }
        let busy = health.gpus.map(\.utilizationPercent).max() ?? 0, hot = health.gpus.map(\.temperatureCelsius).max() ?? 0
        return "\(health.gpus.count)×\(busy)% \(hot)°C"
    }

    /// Vigil's cordon, else the scheduler's drain or down (Slurm), else ok.
    static func scheduling(_ node: NodeSummary) -> String {
        if node.cordoned { return "cordoned" }
        guard let state = node.scheduler?.prefix(while: { $0 != ":" && $0 != "," }),
              state.hasPrefix("drain") || state.hasPrefix("down") else { return "ok" }
        return String(state)
    }
}
