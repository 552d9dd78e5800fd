/// How many columns a character takes in a terminal: 2 for East Asian wide
/// and most emoji, 0 for combining marks, 1 otherwise. Control characters
/// are never drawn (they would move the cursor): they take a column as '?'.
enum DisplayWidth {
    static func of(_ s: Unicode.Scalar) -> Int {
        let v = s.value
        if v < 0x20 || (0x7F..<0xA0).contains(v) { return 1 }
        if s.properties.generalCategory == .nonspacingMark || s.properties.generalCategory == .enclosingMark
            || v == 0x200B || (0xFE00...0xFE0F).contains(v) {
            return 0
        }
        return isWide(v) ? 2 : 1
    }

    /// What is drawn for `s`: controls become '?'.
    static func printable(_ s: Unicode.Scalar) -> Unicode.Scalar {
        let v = s.value
        return v < 0x20 || (0x7F..<0xA0).contains(v) ? "?" : s
    }

    private static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
             0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            true
        default:
            false
        }
    }

    /// Columns `text` takes.
    static func of(_ text: String) -> Int { text.unicodeScalars.reduce(0) { $0 + of($1) } }
}
