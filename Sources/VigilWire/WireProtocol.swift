/// Constants both sides of the agent ↔ server connection agree on.
/// The format is documented in docs/protocol.md.
public enum WireProtocol {
    public static let version: UInt64 = 8
    public static let maxTokenBytes = 256
    public static let maxReasonBytes = 1_024
}
