/// A frame: width × height cells, what a view draws and the terminal shows.
/// Writes outside the grid are clipped, never a crash.
public struct CellGrid: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = [Cell](repeating: .blank, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            cells[y * width + x] = newValue
        }
    }

    /// Writes `text` from (x, y), at most `limit` columns (to the grid's edge
    /// when nil); returns the columns written. A wide character that would
    /// not fit whole is left out.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .normal, limit: Int? = nil) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let end = min(width, x + (limit ?? width))
        var column = x
        for scalar in text.unicodeScalars {
            let w = DisplayWidth.of(scalar)
            guard w > 0 else { continue }
            guard column + w <= end else { break }
            if column >= 0 {
                cells[y * width + column] = Cell(DisplayWidth.printable(scalar), style)
                if w == 2 { cells[y * width + column + 1] = Cell(Cell.continuation, style) }
            }
            column += w
        }
        return column - x
    }

    /// Writes `text` padded with blanks (or cut) to exactly `columns`,
    /// right-aligned if asked.
    public mutating func put(_ text: String, x: Int, y: Int, columns: Int, style: Style = .normal, right: Bool = false) {
        let w = DisplayWidth.of(text)
        let pad = max(0, columns - w)
        if right { fill(Rect(x: x, y: y, width: pad, height: 1), style: style) }
        let written = put(text, x: right ? x + pad : x, y: y, style: style, limit: columns - (right ? pad : 0))
        if !right { fill(Rect(x: x + written, y: y, width: columns - written, height: 1), style: style) }
    }

    /// Blanks in `style` over `rect` (clipped).
    public mutating func fill(_ rect: Rect, style: Style = .normal, with scalar: Unicode.Scalar = " ") {
        let x0 = max(0, rect.x), x1 = min(width, rect.x + rect.width)
        let y0 = max(0, rect.y), y1 = min(height, rect.y + rect.height)
        guard x0 < x1, y0 < y1 else { return }
        for y in y0..<y1 {
            for x in x0..<x1 { cells[y * width + x] = Cell(scalar, style) }
        }
    }

    /// Restyles the cells of `rect`, keeping their characters.
    public mutating func restyle(_ rect: Rect, _ style: Style) {
        let x0 = max(0, rect.x), x1 = min(width, rect.x + rect.width)
        let y0 = max(0, rect.y), y1 = min(height, rect.y + rect.height)
        guard x0 < x1, y0 < y1 else { return }
        for y in y0..<y1 {
            for x in x0..<x1 { cells[y * width + x].style = style }
        }
    }
}
