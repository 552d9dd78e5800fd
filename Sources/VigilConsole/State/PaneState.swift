/// One pane's place in its rows: the cursor (by row id, so it stays on the
/// same item as rows come and go), the scroll, marks, and the sort.
public struct PaneState: Sendable, Equatable {
    public var cursorID: String?
    /// The cursor's index, used when its id is gone.
    public var cursor = 0
    public var scroll = 0
    public var marks: Set<String> = []
    public var sort: SortOrder?

    public init() {}
}

public struct SortOrder: Sendable, Equatable {
    public var column: Int
    public var ascending: Bool

    public init(column: Int, ascending: Bool) {
        self.column = column
        self.ascending = ascending
    }
}

/// Which pane: the view and its index within it.
public struct PaneKey: Sendable, Hashable {
    public var view: ViewID
    public var pane: Int

    public init(_ view: ViewID, _ pane: Int = 0) {
        self.view = view
        self.pane = pane
    }
}

/// What a pane drew, for the keys that move in it: its visible rows' ids in
/// order, how many fit on a page, how many items a row holds (1 for tables,
/// more for heat maps), and the columns it can sort by.
public struct PaneLayout: Sendable, Equatable {
    public var ids: PaneIDs
    public var pageRows: Int
    public var perRow: Int
    public var cursor: Int
    public var scroll: Int
    public var sortColumns: [SortColumn]

    public init(ids: PaneIDs, pageRows: Int, perRow: Int = 1, cursor: Int = 0, scroll: Int = 0,
                sortColumns: [SortColumn] = []) {
        self.ids = ids
        self.pageRows = max(1, pageRows)
        self.perRow = max(1, perRow)
        self.cursor = cursor
        self.scroll = scroll
        self.sortColumns = sortColumns
    }

    public static let none = PaneLayout(ids: [], pageRows: 1)
}

/// A sortable column: its title and the shift+letter that sorts by it.
public struct SortColumn: Sendable, Equatable {
    public var title: String
    public var letter: Character

    public init(title: String, letter: Character) {
        self.title = title
        self.letter = letter
    }
}

/// What the screen drew, pane by pane, for the view shown.
public struct ScreenLayout: Sendable, Equatable {
    public var view: ViewID
    public var panes: [PaneLayout]

    public init(view: ViewID, panes: [PaneLayout]) {
        self.view = view
        self.panes = panes
    }

    public func pane(_ index: Int) -> PaneLayout { panes.indices.contains(index) ? panes[index] : .none }
}
