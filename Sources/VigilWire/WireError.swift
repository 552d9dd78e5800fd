/// Why bytes from a peer were refused. Every decoding path ends in one of
/// these, never in a crash: the connection is closed with the description.
public enum WireError: Error, Equatable, CustomStringConvertible {
    case frameTooLarge(length: UInt64, limit: Int)
    case emptyFrame
    case unknownFrameKind(UInt8)
    case truncated(String)
    case malformedVarint
    case valueOutOfRange(String)
    case stringTooLong(String, limit: Int)
    case invalidUTF8(String)
    case trailingBytes(String, Int)
    case unexpected(String)

    public var description: String {
        switch self {
        case .frameTooLarge(let length, let limit): "frame of \(length) bytes exceeds the \(limit)-byte limit"
        case .emptyFrame: "empty frame (no kind byte)"
        case .unknownFrameKind(let kind): "unknown frame kind \(kind)"
        case .truncated(let what): "truncated \(what)"
        case .malformedVarint: "malformed varint (more than 10 bytes or overflowing 64 bits)"
        case .valueOutOfRange(let what): "\(what) out of range"
        case .stringTooLong(let what, let limit): "\(what) longer than \(limit) bytes"
        case .invalidUTF8(let what): "\(what) is not valid UTF-8"
        case .trailingBytes(let what, let count): "\(count) unexpected bytes after \(what)"
        case .unexpected(let what): "unexpected \(what)"
        }
    }
}
