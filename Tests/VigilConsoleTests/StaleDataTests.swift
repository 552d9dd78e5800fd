import Testing
import VigilConsole

/// Every view says how old its data is, and why it is not newer.
struct StaleDataTests {
    @Test func aFailedFetchMarksTheViewStaleWithTheReason() {
        var model = ConsoleModel.synthetic(nodes: 4, ranksPerNode: 2)
        model.feeds[.summary]?.failed("no server API at 127.0.0.1:7078: Connection refused", atNs: model.nowNs)
        model.nowNs += 12_000_000_000
        let (grid, _) = ConsoleScreen.render(model, ConsoleState(), width: 120, height: 30)
        #expect(grid.line(1).contains("summary STALE (12s old): no server API at 127.0.0.1:7078: Connection refused"))
        #expect(grid.line(4).contains("train-1"), "the last good data stays")
    }

    @Test func oldDataIsStaleEvenWithoutAnError() {
        var model = ConsoleModel.synthetic(nodes: 4, ranksPerNode: 2)
        model.nowNs += 10_000_000_000
        #expect(ConsoleScreen.render(model, ConsoleState(), width: 120, height: 30).0.line(1).contains("STALE (10s old)"))
        model.nowNs -= 9_000_000_000
        #expect(ConsoleScreen.render(model, ConsoleState(), width: 120, height: 30).0.line(1).contains("summary 1s old"))
    }
}
