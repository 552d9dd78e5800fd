import Foundation
import VigilConsole

/// The console's frame build (model → cells) at cluster size, per view, and
/// what a refresh with nothing changed sends to the terminal: the cells the
/// diff rewrites.
struct ConsoleBenchmark {
    let nodes: Int
    let ranksPerNode: Int
    let frames: Int

    func run() {
        let model = ConsoleModel.synthetic(nodes: nodes, ranksPerNode: ranksPerNode)
        print("console nodes \(nodes) ranks \(nodes * ranksPerNode) frame 200x60, median of \(frames) frames")
        var worst = 0.0
        for view in ViewID.allCases {
            var state = ConsoleState()
            state.show(view == .evidence ? .incidents : view)
            if view == .evidence {
                state.incidentID = 12
                state.push(.evidence)
            }
            var times: [Double] = []
            var previous: CellGrid?
            var unchangedCells = 0
            for _ in 0..<frames {
                let start = ContinuousClock.now
                let (grid, layout) = ConsoleScreen.render(model, state, width: 200, height: 60)
                let elapsed = ContinuousClock.now - start
                state.absorb(layout)
                times.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3)
                if let previous { unchangedCells = GridDiff.spans(from: previous, to: grid).reduce(0) { $0 + $1.cells.count } }
                previous = grid
            }
            let median = times.sorted()[times.count / 2]
            worst = max(worst, median)
            print(String(format: "console_frame view %@ build_ms %.3f unchanged_refresh_cells %d", view.rawValue, median,
                         unchangedCells))
        }
        print(String(format: "console_frame_worst_ms %.3f goal 5 ratio_to_goal %.2f", worst, worst / 5))
    }
}
