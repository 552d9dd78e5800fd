/// What an operator can set for the console: in
/// `$XDG_CONFIG_HOME/vigil/console.yaml`, with flags over it.
public struct ConsoleSettings: Sendable, Equatable {
    public enum Theme: String, Sendable, CaseIterable {
        /// 256 colours when the terminal has them, else 8, else none; none under NO_COLOR.
        case auto
        case colors256 = "256"
        case colors8 = "8"
        case mono
    }

    /// How often the shown view's data is fetched.
    public var refreshSeconds: Double = 1
    public var theme: Theme = .auto
    /// The server's API, when no flag or $VIGIL_API says.
    public var api: String?
    /// Per view, the columns to show, in order (titles as the header prints them).
    public var columns: [ViewID: [String]] = [:]

    public static let refreshRange = 0.2...60.0

    public init() {}

    public var refreshNs: UInt64 { UInt64(refreshSeconds * 1e9) }
}
