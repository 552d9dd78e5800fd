import NIOCore
import VigilCore

/// The agent's opening frame: who it is and its credential.
///
///     varint version | string node | varint instance | bytes token [| string probeHost [| varint buddyPort]]
///
/// `probeHost` (version 3; empty or absent: the address the agent connects
/// from) is where its peers reach it for link probes: its address on the
/// data network, when the cluster has one apart from the management network.
/// `buddyPort` (absent or 0: none) is where, at that address, its agent
/// takes its buddies' checkpoint shards.
/// Structure is checked here; whether the version is supported and the
/// token right is the server's decision, so it can say which.
public struct AgentHello: Sendable, Equatable {
    public var version: UInt64
    /// The node's name: `SafeName`.
    public var node: String
    /// Random per agent start, so the server can tell a restarted agent.
    public var instance: UInt64
    public var token: [UInt8]
    /// An IPv4 address, or empty.
    public var probeHost: String
    public var buddyPort: Int

    public init(version: UInt64 = WireProtocol.version, node: String, instance: UInt64, token: [UInt8], probeHost: String = "",
                buddyPort: Int = 0) {
        self.version = version
        self.node = node
        self.instance = instance
        self.token = token
        self.probeHost = probeHost
        self.buddyPort = buddyPort
    }

    public var frame: Frame {
        var payload = ByteBuffer()
        payload.writeVarint(version)
        payload.writeWireString(node)
        payload.writeVarint(instance)
        payload.writeWireBytes(token)
        payload.writeWireString(probeHost)
        payload.writeVarint(UInt64(buddyPort))
        return Frame(kind: .hello, payload: payload)
    }

    public init(frame: Frame) throws(WireError) {
        guard frame.kind == .hello else { throw .unexpected("\(frame.kind) frame, expected hello") }
        var payload = frame.payload
        version = try payload.readVarint()
        node = try payload.readWireString(maxLength: SafeName.maxLength, "node name")
        guard SafeName.isValid(node) else { throw .valueOutOfRange("node name (must be \(SafeName.rule))") }
        instance = try payload.readVarint()
        token = try payload.readWireBytes(maxLength: WireProtocol.maxTokenBytes, "token")
        // Absent from an older agent's hello: it is refused for its version, by name.
        probeHost = payload.readableBytes > 0 ? try payload.readWireString(maxLength: 15, "probe host") : ""
        guard probeHost.isEmpty || IPv4Network.parse(probeHost) != nil else { throw .valueOutOfRange("probe host (an IPv4 address)") }
        buddyPort = payload.readableBytes > 0 ? try payload.readVarint(as: Int.self, in: 0...65_535, "buddy port") : 0
        try payload.expectFullyRead("hello")
    }
}
