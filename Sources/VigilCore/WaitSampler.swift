/// Builds a `WaitProfile` from samples of a rank's blocked call: the time
/// between two samples goes to what the first one saw, so a sampling rate
/// that varies (the agent polls faster while records flow) does not skew it.
public struct WaitSampler: Sendable {
    private var lastNs: UInt64?
    private var last: BlockedCall?
    private var spanNs: UInt64 = 0
    private var blockedNs: UInt64 = 0
    private var byPeer: [Int: UInt64] = [:]
    private var longestWaitNs: UInt64 = 0

    public init() {}

    /// What the rank's in-flight slot showed at `atNs` (monotonic).
    public mutating func sample(_ call: BlockedCall?, atNs: UInt64) {
        defer { (lastNs, last) = (atNs, call) }
        guard let lastNs, atNs > lastNs else { return }
        if let last, last.op.waitsOnPeers, call?.sinceNs != last.sinceNs {   // it ended since the last sample
            longestWaitNs = max(longestWaitNs, atNs - min(atNs, last.sinceNs))
        }
        let elapsed = atNs - lastNs
        spanNs += elapsed
        guard let last else { return }
        blockedNs += elapsed
        guard last.op.waitsOnPeers else { return }
        // At most four peers listed; no Set on the drain loop's path.
        for (i, peer) in last.peers.enumerated() where !last.peers[..<i].contains(peer) {
            byPeer[peer, default: 0] += elapsed
        }
    }

    /// The profile since the previous take; sampling goes on from here.
    public mutating func take() -> WaitProfile {
        let peers = byPeer.map { WaitProfile.PeerWait(peer: $0.key, ns: $0.value) }
            .sorted { ($0.ns, -$0.peer) > ($1.ns, -$1.peer) }.prefix(WaitProfile.maxPeers)
        defer { (spanNs, blockedNs, byPeer, longestWaitNs) = (0, 0, [:], 0) }
        return WaitProfile(spanNs: spanNs, blockedNs: blockedNs, peers: Array(peers), longestWaitNs: longestWaitNs)
    }
}
