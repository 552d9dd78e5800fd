import Testing
import VigilConsole

/// Every view at 80×24 and 200×60, for an empty cluster, 4 nodes, and
/// 1,024 nodes × 8 ranks, against the files in Snapshots/.
@Suite struct LayoutSnapshotTests {
    static let sizes = [(80, 24), (200, 60)]
    static let clusters: [(name: String, model: ConsoleModel)] = [
        ("empty", ConsoleModel.synthetic(nodes: 0, ranksPerNode: 0)),
        ("4nodes", ConsoleModel.synthetic(nodes: 4, ranksPerNode: 2)),
        ("1024nodes", ConsoleModel.synthetic(nodes: 1_024, ranksPerNode: 8)),
    ]

    @Test(arguments: ViewID.allCases)
    func view(_ view: ViewID) throws {
        for (name, model) in Self.clusters {
            for (width, height) in Self.sizes {
                var state = ConsoleState()
                state.show(view == .evidence ? .incidents : view)
                if view == .evidence {
                    state.incidentID = 12
                    state.push(.evidence)
                }
                let (grid, _) = ConsoleScreen.render(model, state, width: width, height: height)
                try Snapshot.check(grid, named: "\(view.rawValue)-\(name)-\(width)x\(height)")
            }
        }
    }
}
