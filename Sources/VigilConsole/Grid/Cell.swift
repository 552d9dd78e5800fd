/// One terminal cell: a character and its style. A character two columns
/// wide occupies its cell and the next, which holds `continuation`.
public struct Cell: Sendable, Equatable {
    public var scalar: Unicode.Scalar
    public var style: Style

    public init(_ scalar: Unicode.Scalar = " ", _ style: Style = .normal) {
        self.scalar = scalar
        self.style = style
    }

    /// The right half of a wide character: drawn by its left half.
    public static let continuation: Unicode.Scalar = "\u{0}"
    public static let blank = Cell()

    public var isContinuation: Bool { scalar == Self.continuation }
}
