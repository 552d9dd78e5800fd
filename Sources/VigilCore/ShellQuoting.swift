/// Arguments for a remote POSIX shell (what sshd runs a command with):
/// each one single-quoted, so `;`, `$()`, backticks, quotes, spaces and
/// newlines arrive as the literal argument, never as shell syntax.
public enum ShellQuoting {
    /// `it's` → `'it'\''s'`; the empty string → `''`.
    public static func quote(_ argument: String) -> String {
        "'" + argument.replacing("'", with: #"'\''"#) + "'"
    }

    /// The command line for `argv`; nil if an argument holds a NUL byte,
    /// which no remote process could receive.
    public static func command(_ argv: [String]) -> String? {
        guard !argv.isEmpty, argv.allSatisfy({ !$0.utf8.contains(0) }) else { return nil }
        return argv.map(quote).joined(separator: " ")
    }
}
