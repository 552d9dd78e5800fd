/// A pane's rows as columns of text, before the filter and the sort: what
/// table views build from the model, and `TableDrawing` lays out.
struct Table {
    struct Column {
        var title: String
        /// Columns it needs; a flexible column takes what is left, and columns
        /// that do not fit at all are left out from the right.
        var width: Int
        var flexible = false
        /// A flexible column grows to this at most.
        var maxWidth = Int.max
        var right = false
        /// Text too long for the column keeps its end (a sparkline's newest samples), not its start.
        var tail = false
        /// Shift+letter sorts by it; nil: not sortable.
        var letter: Character?
    }

    struct Row {
        var id: String
        var cells: [String]
        var style: Style = .normal
        /// Styles of single cells, by column index, over the row's style.
        var cellStyles: [Int: Style] = [:]
        /// One per column: what sorting compares.
        var sortKeys: [SortKey]
    }

    var columns: [Column]
    var rows: [Row]
    /// What an empty pane says.
    var empty: String

    var sortColumns: [SortColumn] {
        columns.compactMap { c in c.letter.map { SortColumn(title: c.title, letter: $0) } }
    }

    /// Column index of the `n`th sortable column.
    func columnIndex(ofSortColumn n: Int) -> Int? {
        let sortable = columns.indices.filter { columns[$0].letter != nil }
        return sortable.indices.contains(n) ? sortable[n] : nil
    }
}

/// What a column sorts by: numbers as numbers, text as text; missing values last.
enum SortKey: Comparable, Sendable {
    case number(Double)
    case text(String)
    case missing

    static func < (a: SortKey, b: SortKey) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): x < y
        case (.text(let x), .text(let y)): x.naturallyPrecedes(y)
        case (.number, .text): true
        case (_, .missing): a != .missing
        default: false
        }
    }
}

extension String {
    /// Natural order: "node10" after "node9" (digit runs compare as numbers).
    public func naturallyPrecedes(_ other: String) -> Bool {
        var a = utf8.makeIterator(), b = other.utf8.makeIterator()
        var x = a.next(), y = b.next()
        while let cx = x, let cy = y {
            if Self.isDigit(cx), Self.isDigit(cy) {
                let (nx, ny) = (Self.number(cx, &a, &x), Self.number(cy, &b, &y))
                if nx != ny { return nx < ny }
                continue
            }
            if cx != cy { return cx < cy }
            x = a.next()
            y = b.next()
        }
        return x == nil && y != nil
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    /// The digit run starting with `first`; `next` is left at the byte after it.
    private static func number(_ first: UInt8, _ rest: inout String.UTF8View.Iterator, _ next: inout UInt8?) -> UInt64 {
        var value = UInt64(first - 0x30)
        next = rest.next()
        while let c = next, isDigit(c) {
            value = value &* 10 &+ UInt64(c - 0x30)
            next = rest.next()
        }
        return value
    }
}
