import NIOCore

/// The server refusing a connection, with a reason for the agent's log.
///
///     varint code | string reason
public struct Refusal: Sendable, Equatable, Error {
    public enum Code: UInt64, Sendable {
        case unsupportedVersion = 1
        case badToken = 2
        case malformed = 3
        case tooLarge = 4
        case outOfOrder = 5
    }

    public var code: Code
    public var reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = String(reason.utf8.prefix(WireProtocol.maxReasonBytes)) ?? "refused"
    }

    public var frame: Frame {
        var payload = ByteBuffer()
        payload.writeVarint(code.rawValue)
        payload.writeWireString(reason)
        return Frame(kind: .refused, payload: payload)
    }

    public init(frame: Frame) throws(WireError) {
        guard frame.kind == .refused else { throw .unexpected("\(frame.kind) frame, expected refused") }
        var payload = frame.payload
        guard let code = Code(rawValue: try payload.readVarint()) else { throw .valueOutOfRange("refusal code") }
        self.code = code
        reason = try payload.readWireString(maxLength: WireProtocol.maxReasonBytes, "refusal reason")
        try payload.expectFullyRead("refused")
    }
}
