import Testing
import VigilConsole

struct GridTests {
    @Test func writesAreClippedAndWideCharactersTakeTwoCells() {
        var grid = CellGrid(width: 6, height: 2)
        #expect(grid.put("abcdefgh", x: 2, y: 0) == 4)
        #expect(grid.line(0) == "  abcd")
        #expect(grid.put("日本語", x: 0, y: 1) == 6)
        #expect(grid[1, 1].isContinuation && grid.line(1) == "日本語")
        #expect(grid.put("x日", x: 4, y: 1) == 1, "a wide character that does not fit is left out")
        grid.put("\u{1b}[2J", x: 0, y: 0)
        #expect(grid.line(0).hasPrefix("?[2J"), "control characters are never drawn")
        #expect(grid.put("z", x: -3, y: 5) == 0)
    }

    @Test func anUnchangedFrameHasNoSpans() {
        let (grid, _) = ConsoleScreen.render(.synthetic(nodes: 4, ranksPerNode: 2), ConsoleState(), width: 80, height: 24)
        #expect(GridDiff.spans(from: grid, to: grid).isEmpty)
        #expect(GridDiff.spans(from: nil, to: grid).count == 24)
    }

    @Test func nearbyChangesShareASpan() {
        let old = CellGrid(width: 20, height: 1)
        var new = old
        new.put("a", x: 2, y: 0)
        new.put("b", x: 5, y: 0)
        new.put("c", x: 15, y: 0)
        let spans = GridDiff.spans(from: old, to: new)
        #expect(spans.map(\.x) == [2, 15])
        #expect(spans.map(\.cells.count) == [4, 1])
    }

    @Test func aTooSmallTerminalSaysSo() {
        let (grid, layout) = ConsoleScreen.render(ConsoleModel(), ConsoleState(), width: 40, height: 10)
        #expect(grid.line(0).hasPrefix("terminal 40×10 is too small"))
        #expect(layout.panes.isEmpty)
    }
}
