extension CellGrid {
    /// The characters, a line a row, trailing blanks kept (snapshots compare whole frames).
    public var text: String {
        rows { cell in cell.isContinuation ? nil : Character(cell.scalar) }
    }

    /// The styles, one letter a cell (`Style.letter`), aligned with `text` column for column.
    public var styleMap: String {
        rows { cell in cell.style.letter }
    }

    /// What a snapshot file holds: the text, then the style map.
    public var snapshot: String {
        "\(width)x\(height)\n" + text + "--- styles ---\n" + styleMap
    }

    /// Row `y` as a string (for tests that look for a line).
    public func line(_ y: Int) -> String {
        String((0..<width).compactMap { self[$0, y].isContinuation ? nil : Character(self[$0, y].scalar) })
    }

    private func rows(_ character: (Cell) -> Character?) -> String {
        var out = ""
        out.reserveCapacity((width + 1) * height)
        for y in 0..<height {
            for x in 0..<width { if let c = character(self[x, y]) { out.append(c) } }
            out.append("\n")
        }
        return out
    }
}
