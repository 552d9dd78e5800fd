/// What keys mean right now.
public enum ConsoleMode: Sendable, Equatable {
    case normal
    /// Typing a `:` command.
    case command(String)
    /// Typing a `/` filter; `previous` comes back on Esc.
    case filter(String, previous: RowFilter?)
    /// An action waits for y (anything else cancels).
    case confirm(ConsoleAction)
}

/// A message in the footer for a few seconds: an action's outcome, an error.
public struct Flash: Sendable, Equatable {
    public var text: String
    public var style: Style
    public var untilNs: UInt64

    public init(_ text: String, style: Style = .info, untilNs: UInt64) {
        self.text = text
        self.style = style
        self.untilNs = untilNs
    }
}
