import CNcursesw
import CVigilTerminal
import Foundation
import Glibc
import VigilConsole

/// What the terminal gave: a key, a resize, or nothing before the timeout.
public enum TerminalInput: Equatable {
    case key(Key)
    case resize
    case idle
}

/// The ncurses terminal, thin: it shows frames (writing only the cells that
/// changed since the last) and reads keys. One thread only: ncurses is not
/// thread-safe. `close` (idempotent) restores the terminal; a fatal signal
/// restores it too (`vigil_terminal_guard_install`).
public final class Terminal {
    public let depth: ColorDepth
    public private(set) var width: Int
    public private(set) var height: Int
    private var shown: CellGrid?
    private var open = true

    public init(theme: ConsoleSettings.Theme, noColor: Bool) throws(TerminalError) {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw .notATerminal }
        if setlocale(LC_ALL, "") == nil || !Self.utf8Locale() { setlocale(LC_CTYPE, "C.UTF-8") }
        // The terminal as the operator had it, before ncurses changes it: what a crash puts back.
        vigil_terminal_save()
        // newterm, not initscr: a terminal it cannot drive is an error to report, not an exit.
        guard let output = fdopen(STDOUT_FILENO, "w"), let input = fdopen(STDIN_FILENO, "r") else { throw .notATerminal }
        guard newterm(nil, output, input) != nil else {
            throw .unknownTerminal(ProcessInfo.processInfo.environment["TERM"] ?? "")
        }
        // Raw: Ctrl-C is a key (it cancels a prompt, quits otherwise); SIGINT from outside still stops the console.
        raw()
        noecho()
        nonl()
        keypad(vigil_stdscr(), true)
        set_escdelay(25)
        curs_set(0)
        let colors = has_colors() ? { start_color(); use_default_colors(); return Int(vigil_colors()) }() : 0
        depth = ColorDepth.choose(theme: theme, colors: colors, noColor: noColor)
        (width, height) = (Int(vigil_cols()), Int(vigil_lines()))
        if depth != .mono {
            for style in Style.allCases {
                let look = Palette.look(style, depth: depth)
                init_pair(Int16(style.rawValue) + 1, look.fg, look.bg)
            }
        }
        vigil_terminal_guard_install(Self.restoreSequence())
    }

    deinit { close() }

    /// The terminal's own strings to leave the full-screen mode, reset attributes, show the cursor.
    private static func restoreSequence() -> String {
        ["rmkx", "rmcup", "sgr0", "cnorm"].compactMap { name -> String? in
            guard let s = tigetstr(name), Int(bitPattern: s) != -1, Int(bitPattern: s) != 0 else { return nil }
            return String(cString: s)
        }.joined()
    }

    private static func utf8Locale() -> Bool {
        guard let name = setlocale(LC_CTYPE, nil) else { return false }
        let text = String(cString: name).lowercased()
        return text.contains("utf-8") || text.contains("utf8")
    }

    /// Waits up to `timeoutMs` for a key.
    public func read(timeoutMs: Int32) -> TerminalInput {
        guard open else { return .idle }
        wtimeout(vigil_stdscr(), timeoutMs)
        var wch: wint_t = 0
        let kind = wget_wch(vigil_stdscr(), &wch)
        if kind == vigil_key_code_yes() {
            if Int32(wch) == vigil_key_resize() {
                (width, height) = (Int(vigil_cols()), Int(vigil_lines()))
                shown = nil
                return .resize
            }
            return KeyDecoder.function(Int32(wch)).map(TerminalInput.key) ?? .idle
        }
        guard kind != vigil_err() else { return .idle }
        return KeyDecoder.character(UInt32(wch)).map(TerminalInput.key) ?? .idle
    }

    /// Shows `grid`: the cells that differ from the frame shown, or all of
    /// them after a resize or `invalidate`. Runs of plain ASCII go in one
    /// call; any other character at its own column, so a character ncurses
    /// measures otherwise than the grid did cannot shift the rest of a row.
    public func draw(_ grid: CellGrid) {
        guard open else { return }
        let full = shown == nil || shown!.width != grid.width || shown!.height != grid.height
        if full { werase(vigil_stdscr()) }
        var buffer: [wchar_t] = []
        for span in GridDiff.spans(from: full ? nil : shown, to: grid) {
            var x = span.x
            var start = span.cells.startIndex
            while start < span.cells.endIndex {
                let cell = span.cells[start]
                apply(cell.style)
                var end = start + 1
                if cell.isContinuation {
                    // drawn by the wide character to its left
                } else if cell.scalar.isASCII {
                    buffer.removeAll(keepingCapacity: true)
                    buffer.append(wchar_t(cell.scalar.value))
                    while end < span.cells.endIndex, span.cells[end].style == cell.style, span.cells[end].scalar.isASCII,
                          !span.cells[end].isContinuation {
                        buffer.append(wchar_t(span.cells[end].scalar.value))
                        end += 1
                    }
                    mvaddnwstr(Int32(span.y), Int32(x), buffer, Int32(buffer.count))
                } else {
                    var one = [wchar_t(bitPattern: cell.scalar.value), 0]
                    mvaddnwstr(Int32(span.y), Int32(x), &one, 1)
                }
                x += end - start
                start = end
            }
        }
        wnoutrefresh(vigil_stdscr())
        doupdate()
        shown = grid
    }

    /// The next draw repaints everything (Ctrl-L, or after something else wrote to the screen).
    public func invalidate() {
        shown = nil
        clearok(vigil_stdscr(), true)
    }

    private func apply(_ style: Style) {
        let look = Palette.look(style, depth: depth)
        _ = vigil_set_attributes(look.attributes, depth == .mono ? 0 : Int16(style.rawValue) + 1)
    }

    /// Gives the terminal back as it was. Safe to call more than once.
    public func close() {
        guard open else { return }
        open = false
        endwin()
        vigil_terminal_guard_remove()
    }
}

public enum TerminalError: Error, CustomStringConvertible {
    case notATerminal
    case unknownTerminal(String)

    public var description: String {
        switch self {
        case .notATerminal: "vigil top needs a terminal: its input and output are not one (use `vigil status` in scripts)"
        case .unknownTerminal(let term): "the terminal type '\(term)' is unknown to ncurses (set TERM, e.g. TERM=xterm-256color)"
        }
    }
}
