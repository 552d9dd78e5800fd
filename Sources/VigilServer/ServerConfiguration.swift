import NIOSSL

/// How the server listens and whom it lets in.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The shared secret agents present in their hello.
    public var token: [UInt8]
    public var maxFrameLength: Int
    /// Written with the bound port once listening (useful with port 0).
    public var portFile: String?
    /// Agents connect over TLS when set (made from PEM files by the CLI).
    public var tls: NIOSSLContext?
    /// Complete checkpoints retention keeps per job and level (at least 1).
    public var checkpointKeep: Int

    public init(host: String = "0.0.0.0", port: Int = 7_077, token: [UInt8],
                maxFrameLength: Int = 1 << 20, portFile: String? = nil, tls: NIOSSLContext? = nil, checkpointKeep: Int = 3) {
        self.checkpointKeep = checkpointKeep
        self.tls = tls
        self.host = host
        self.port = port
        self.token = token
        self.maxFrameLength = maxFrameLength
        self.portFile = portFile
    }
}

/// Equal without an early exit, so timing says nothing about how much of
/// a guessed token was right.
func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    var difference: UInt8 = a.count == b.count ? 0 : 1
    for index in 0..<max(a.count, b.count) {
        difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
    }
    return difference == 0
}
