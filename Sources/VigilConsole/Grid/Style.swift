/// What a cell means, not how it looks: the terminal adapter maps each
/// style to what the terminal has (256 colours, 8, or attributes alone),
/// and snapshots record it as one letter.
public enum Style: UInt8, Sendable, CaseIterable {
    case normal
    case dim
    case bold
    /// Column titles, section names.
    case header
    /// The title bar.
    case title
    case tabActive
    case tabInactive
    /// The row or cell under the cursor.
    case selected
    /// Rows marked with space.
    case marked
    case good
    case warn
    case bad
    case info
    /// Data shown although it is old, and the reason why.
    case stale
    /// The prompt line (command, filter, confirmation).
    case prompt
    /// A note someone wrote on the timeline, shown over every view.
    case note
    /// Heat, from on time (0) to far behind (4).
    case heat0, heat1, heat2, heat3, heat4
    /// A rank blocked in a collective: waiting on someone else.
    case waiting
    case stopped
    case dead
    case finished

    /// The snapshot letter: readable diffs of colour regressions.
    public var letter: Character {
        switch self {
        case .normal: "."
        case .dim: "d"
        case .bold: "B"
        case .header: "H"
        case .title: "T"
        case .tabActive: "A"
        case .tabInactive: "a"
        case .selected: "S"
        case .marked: "M"
        case .good: "g"
        case .warn: "w"
        case .bad: "b"
        case .info: "i"
        case .stale: "s"
        case .prompt: "p"
        case .note: "n"
        case .heat0: "0"
        case .heat1: "1"
        case .heat2: "2"
        case .heat3: "3"
        case .heat4: "4"
        case .waiting: "W"
        case .stopped: "P"
        case .dead: "X"
        case .finished: "F"
        }
    }

    public static func heat(_ level: Int) -> Style {
        [.heat0, .heat1, .heat2, .heat3, .heat4][max(0, min(4, level))]
    }
}
