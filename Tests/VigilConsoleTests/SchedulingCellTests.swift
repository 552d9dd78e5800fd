import Testing
import VigilCore
@testable import VigilConsole

/// The nodes view's SCHED cell: Vigil's cordon first, then the scheduler's drain or down.
struct SchedulingCellTests {
    func node(cordoned: Bool = false, scheduler: String?) -> NodeSummary {
        var node = NodeSummary(name: "node2", lastBatch: 1, lastSeenNs: 1, health: nil, cordoned: cordoned)
        node.scheduler = scheduler
        return node
    }

    @Test(arguments: [
        (false, nil, "ok"), (false, "idle", "ok"), (false, "allocated", "ok"),
        (false, "drained: disk replacement", "drained"), (false, "draining: vigil: rank-crash incident 4", "draining"),
        (false, "down, not responding: Not responding", "down"), (true, "drained: vigil: rank-crash incident 4", "cordoned"),
    ] as [(Bool, String?, String)])
    func cell(cordoned: Bool, scheduler: String?, expected: String) {
        #expect(NodesView.scheduling(node(cordoned: cordoned, scheduler: scheduler)) == expected)
    }
}
