/// One active measurement between two agents: a ping-pong for latency and
/// a bulk transfer for bandwidth, run when the server asks (C4D's
/// connection matrix, one cell).
public struct LinkProbe: Sendable, Equatable, Codable {
    public var job: String
    public var from: String
    public var to: String
    /// The best of a few 1-byte round trips.
    public var rttNs: UInt64
    /// `bytes` sent and acknowledged in `transferNs` (or, for a transfer
    /// that timed out after the pings answered, sent and waited on that
    /// long: the link is at most that fast); 0 and 0 when the peer did not answer.
    public var bytes: UInt64
    public var transferNs: UInt64
    /// Wall-clock ns (Unix epoch) when the probe finished.
    public var atNs: UInt64

    public init(job: String, from: String, to: String, rttNs: UInt64, bytes: UInt64, transferNs: UInt64, atNs: UInt64) {
        self.job = job
        self.from = from
        self.to = to
        self.rttNs = rttNs
        self.bytes = bytes
        self.transferNs = transferNs
        self.atNs = atNs
    }

    public var answered: Bool { transferNs > 0 }

    public var bytesPerSecond: Double { answered ? Double(bytes) / (Double(transferNs) / 1e9) : 0 }
}

/// The server asking an agent to probe its links to `peers` for `job`,
/// each in its own time slot: slots are planned so that no node takes part
/// in two probes at once, and a shared link is never measured half-used.
public struct ProbeRequest: Sendable, Equatable {
    public struct Peer: Sendable, Equatable {
        public var node: String
        public var host: String
        public var port: Int
        /// Probe during [startNs + slot × slotNs, + slotNs).
        public var slot: Int

        public init(node: String, host: String, port: Int, slot: Int) {
            self.node = node
            self.host = host
            self.port = port
            self.slot = slot
        }
    }

    public var job: String
    public var bytes: UInt64
    /// Wall-clock ns (Unix epoch) of slot 0.
    public var startNs: UInt64
    public var slotNs: UInt64
    public var peers: [Peer]

    public init(job: String, bytes: UInt64, startNs: UInt64, slotNs: UInt64, peers: [Peer]) {
        self.job = job
        self.bytes = bytes
        self.startNs = startNs
        self.slotNs = slotNs
        self.peers = peers
    }
}
