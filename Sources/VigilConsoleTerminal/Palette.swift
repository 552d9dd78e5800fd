import CNcursesw
import VigilConsole

/// How each style looks at each colour depth: a foreground and background
/// (terminal colour numbers, -1 the terminal's default) and attributes.
/// In monochrome, attributes and the glyphs themselves carry the meaning.
struct Palette {
    struct Look {
        var fg: Int16
        var bg: Int16
        var bold = false
        var reverse = false
        var underline = false
        var dim = false

        var attributes: attr_t {
            var a = vigil_a_normal()
            if bold { a |= vigil_a_bold() }
            if reverse { a |= vigil_a_reverse() }
            if underline { a |= vigil_a_underline() }
            if dim { a |= vigil_a_dim() }
            return a
        }
    }

    static func look(_ style: Style, depth: ColorDepth) -> Look {
        switch depth {
        case .colors256: colors256(style)
        case .colors8: colors8(style)
        case .mono: mono(style)
        }
    }

    private static func colors256(_ style: Style) -> Look {
        switch style {
        case .normal: Look(fg: -1, bg: -1)
        case .dim: Look(fg: 245, bg: -1)
        case .bold: Look(fg: -1, bg: -1, bold: true)
        case .header: Look(fg: 231, bg: 24, bold: true)
        case .title: Look(fg: 231, bg: 25, bold: true)
        case .tabActive: Look(fg: 16, bg: 214, bold: true)
        case .tabInactive: Look(fg: 252, bg: 25)
        case .selected: Look(fg: 16, bg: 117)
        case .marked: Look(fg: 226, bg: -1, bold: true)
        case .good: Look(fg: 77, bg: -1)
        case .warn: Look(fg: 214, bg: -1)
        case .bad: Look(fg: 196, bg: -1, bold: true)
        case .info: Look(fg: 81, bg: -1)
        case .stale: Look(fg: 16, bg: 214, bold: true)
        case .prompt: Look(fg: 252, bg: 236)
        case .note: Look(fg: 16, bg: 159, bold: true)
        case .heat0: Look(fg: 71, bg: -1)
        case .heat1: Look(fg: 149, bg: -1)
        case .heat2: Look(fg: 220, bg: -1)
        case .heat3: Look(fg: 208, bg: -1, bold: true)
        case .heat4: Look(fg: 196, bg: -1, bold: true)
        case .waiting: Look(fg: 75, bg: -1, bold: true)
        case .stopped: Look(fg: 201, bg: -1, bold: true)
        case .dead: Look(fg: 231, bg: 160, bold: true)
        case .finished: Look(fg: 240, bg: -1)
        }
    }

    private static func colors8(_ style: Style) -> Look {
        let (black, red, green, yellow, blue, magenta, cyan, white): (Int16, Int16, Int16, Int16, Int16, Int16, Int16, Int16) =
            (0, 1, 2, 3, 4, 5, 6, 7)
        return switch style {
        case .normal: Look(fg: -1, bg: -1)
        case .dim: Look(fg: -1, bg: -1, dim: true)
        case .bold: Look(fg: -1, bg: -1, bold: true)
        case .header: Look(fg: black, bg: cyan)
        case .title: Look(fg: white, bg: blue, bold: true)
        case .tabActive: Look(fg: black, bg: yellow)
        case .tabInactive: Look(fg: white, bg: blue)
        case .selected: Look(fg: black, bg: cyan)
        case .marked: Look(fg: yellow, bg: -1, bold: true)
        case .good: Look(fg: green, bg: -1)
        case .warn: Look(fg: yellow, bg: -1)
        case .bad: Look(fg: red, bg: -1, bold: true)
        case .info: Look(fg: cyan, bg: -1)
        case .stale: Look(fg: black, bg: yellow)
        case .prompt: Look(fg: white, bg: black)
        case .note: Look(fg: white, bg: magenta, bold: true)
        case .heat0: Look(fg: green, bg: -1)
        case .heat1: Look(fg: green, bg: -1, bold: true)
        case .heat2: Look(fg: yellow, bg: -1)
        case .heat3: Look(fg: yellow, bg: -1, bold: true)
        case .heat4: Look(fg: red, bg: -1, bold: true)
        case .waiting: Look(fg: blue, bg: -1, bold: true)
        case .stopped: Look(fg: magenta, bg: -1, bold: true)
        case .dead: Look(fg: white, bg: red, bold: true)
        case .finished: Look(fg: -1, bg: -1, dim: true)
        }
    }

    private static func mono(_ style: Style) -> Look {
        switch style {
        case .normal, .good, .info, .heat0, .heat1, .heat2, .prompt: Look(fg: -1, bg: -1)
        case .dim, .finished: Look(fg: -1, bg: -1, dim: true)
        case .bold, .warn, .heat3, .waiting: Look(fg: -1, bg: -1, bold: true)
        case .header: Look(fg: -1, bg: -1, bold: true, underline: true)
        case .title, .tabInactive, .selected: Look(fg: -1, bg: -1, reverse: true)
        case .tabActive, .stale, .dead, .stopped, .note: Look(fg: -1, bg: -1, bold: true, reverse: true)
        case .marked: Look(fg: -1, bg: -1, bold: true, underline: true)
        case .bad, .heat4: Look(fg: -1, bg: -1, bold: true, underline: true)
        }
    }
}
