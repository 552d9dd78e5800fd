/// The ids of a pane's items in order: a list, or a matrix's cells
/// ("row→column") computed when asked, so a 1,024 × 1,024 link matrix is not
/// a million strings every frame.
public struct PaneIDs: RandomAccessCollection, Sendable, Equatable, ExpressibleByArrayLiteral {
    enum Storage: Sendable, Equatable {
        case list([String])
        case matrix(rows: [String], columns: [String])
    }

    let storage: Storage

    public init(_ list: [String]) { storage = .list(list) }
    public init(arrayLiteral elements: String...) { storage = .list(elements) }
    public init(rows: [String], columns: [String]) { storage = .matrix(rows: rows, columns: columns) }

    public var startIndex: Int { 0 }

    public var endIndex: Int {
        switch storage {
        case .list(let ids): ids.count
        case .matrix(let rows, let columns): rows.count * columns.count
        }
    }

    public subscript(position: Int) -> String {
        switch storage {
        case .list(let ids): return ids[position]
        case .matrix(let rows, let columns): return Self.cell(rows[position / columns.count], columns[position % columns.count])
        }
    }

    /// Where `id` is, without walking a matrix.
    public func position(of id: String) -> Int? {
        switch storage {
        case .list(let ids): return ids.firstIndex(of: id)
        case .matrix(let rows, let columns):
            let parts = id.split(separator: "→", maxSplits: 1).map(String.init)
            guard parts.count == 2, let r = rows.firstIndex(of: parts[0]), let c = columns.firstIndex(of: parts[1]) else { return nil }
            return r * columns.count + c
        }
    }

    static func cell(_ row: String, _ column: String) -> String { row + "→" + column }
}
