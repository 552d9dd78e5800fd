import VigilCore
import NIOSSL

/// Where the agent streams telemetry and how.
public struct UplinkConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var token: [UInt8]
    /// This node's name on the server: `SafeName`.
    public var node: String
    /// How often a batch is cut (heartbeat, rank snapshots, windows).
    public var interval: Duration
    /// Batches kept while the server is unreachable (one per interval).
    public var outboxCapacity: Int
    /// Where unacknowledged batches wait on disk; nil keeps them in memory
    /// (lost if the agent dies).
    public var spoolDirectory: String?
    /// TLS to the server when set; the server's certificate must name `host`.
    public var tls: NIOSSLContext?
    /// Where this agent answers link probes from its peers (nil: it does not).
    public var probePort: Int?
    /// Where this agent takes its buddies' checkpoint shards (nil: it does not).
    public var buddyPort: Int?
    /// Where peers probe this agent: its address on this network (looked
    /// up at every connection), instead of the one it reaches the server from.
    public var dataNetwork: IPv4Network?

    public init(host: String, port: Int, token: [UInt8], node: String, interval: Duration = .seconds(1),
                outboxCapacity: Int = 3_600, spoolDirectory: String? = nil, tls: NIOSSLContext? = nil, probePort: Int? = nil,
                buddyPort: Int? = nil, dataNetwork: IPv4Network? = nil) {
        self.tls = tls
        self.buddyPort = buddyPort
        self.probePort = probePort
        self.dataNetwork = dataNetwork
        self.host = host
        self.port = port
        self.token = token
        self.node = node
        self.interval = interval
        self.outboxCapacity = outboxCapacity
        self.spoolDirectory = spoolDirectory
    }
}
