import VigilConsole

/// What the terminal shows styles with.
public enum ColorDepth: String, Sendable {
    case colors256 = "256 colours"
    case colors8 = "8 colours"
    case mono = "no colour"

    /// The depth a theme asks for on a terminal with `colors` colours (0: none),
    /// falling back cleanly; NO_COLOR (any value) means none, as no-color.org asks.
    public static func choose(theme: ConsoleSettings.Theme, colors: Int, noColor: Bool) -> ColorDepth {
        if noColor || colors < 8 || theme == .mono { return .mono }
        switch theme {
        case .colors8: return .colors8
        case .auto, .colors256: return colors >= 256 ? .colors256 : .colors8
        case .mono: return .mono
        }
    }
}
