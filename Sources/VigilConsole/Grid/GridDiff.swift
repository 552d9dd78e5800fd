/// What changed between two frames, as runs of cells to rewrite: the
/// terminal adapter writes only these, so a refresh in which nothing changed
/// sends (almost) nothing to the terminal.
public struct GridSpan: Sendable, Equatable {
    public var x: Int
    public var y: Int
    public var cells: ArraySlice<Cell>
}

public enum GridDiff {
    /// Runs of changed cells, row by row. Changes closer than `joinGap`
    /// unchanged cells go in one run: rewriting a few cells costs less than
    /// moving the cursor. A frame of another size is all changed.
    public static func spans(from old: CellGrid?, to new: CellGrid, joinGap: Int = 4) -> [GridSpan] {
        guard let old, old.width == new.width, old.height == new.height else {
            return (0..<new.height).map { y in
                GridSpan(x: 0, y: y, cells: new.cells[y * new.width..<(y + 1) * new.width])
            }
        }
        var spans: [GridSpan] = []
        let w = new.width
        for y in 0..<new.height {
            let base = y * w
            var x = 0
            while x < w {
                guard old.cells[base + x] != new.cells[base + x] else { x += 1; continue }
                var end = x + 1, quiet = 0, probe = x + 1
                while probe < w, quiet <= joinGap {
                    if old.cells[base + probe] != new.cells[base + probe] { end = probe + 1; quiet = 0 } else { quiet += 1 }
                    probe += 1
                }
                // A wide character's halves go together.
                var start = x
                if start > 0, new.cells[base + start].isContinuation { start -= 1 }
                if end < w, new.cells[base + end].isContinuation { end += 1 }
                spans.append(GridSpan(x: start, y: y, cells: new.cells[base + start..<base + end]))
                x = end
            }
        }
        return spans
    }
}
