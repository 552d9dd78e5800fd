/// A key press, as the terminal adapter decodes it.
public enum Key: Sendable, Equatable {
    case character(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace
    /// Ctrl with a letter (lower case), e.g. `.control("c")`.
    case control(Character)
}
