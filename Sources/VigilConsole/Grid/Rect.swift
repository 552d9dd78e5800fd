/// A region of the screen, in cells.
public struct Rect: Sendable, Equatable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public var maxY: Int { y + height }

    /// The top `n` rows, and what is left below them.
    public func splitTop(_ n: Int) -> (Rect, Rect) {
        let top = min(max(0, n), height)
        return (Rect(x: x, y: y, width: width, height: top), Rect(x: x, y: y + top, width: width, height: height - top))
    }

    public func inset(left: Int = 0, right: Int = 0) -> Rect {
        Rect(x: x + left, y: y, width: width - left - right, height: height)
    }
}
