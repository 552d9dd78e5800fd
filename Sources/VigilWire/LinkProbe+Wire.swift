import NIOCore
import VigilCore

/// ```
/// probe   = string job | string from | string to | varint rttNs | varint bytes | varint transferNs | varint atNs
/// request = string job | varint bytes | varint startNs | varint slotNs
///         | varint n | (string node | string host | varint port | varint slot)*   (frame kind 18)
/// ```
extension ByteBuffer {
    mutating func writeLinkProbe(_ p: LinkProbe) {
        writeName(p.job)
        writeName(p.from)
        writeName(p.to)
        for value in [p.rttNs, p.bytes, p.transferNs, p.atNs] { writeVarint(value) }
    }

    mutating func readLinkProbe() throws(WireError) -> LinkProbe {
        LinkProbe(job: try readName("job"), from: try readName("node"), to: try readName("node"), rttNs: try readVarint(),
                  bytes: try readVarint(), transferNs: try readVarint(), atNs: try readVarint())
    }
}

extension ProbeRequest {
    /// Probes move at most this much per peer.
    public static let maxBytes: UInt64 = 64 << 20

    public var frame: Frame {
        var payload = ByteBuffer()
        payload.writeName(job)
        payload.writeVarint(bytes)
        payload.writeVarint(startNs)
        payload.writeVarint(slotNs)
        payload.writeVarint(UInt64(peers.count))
        for peer in peers {
            payload.writeName(peer.node)
            payload.writeWireString(peer.host)
            payload.writeVarint(UInt64(peer.port))
            payload.writeVarint(UInt64(peer.slot))
        }
        return Frame(kind: .probeRequest, payload: payload)
    }

    public init(frame: Frame) throws(WireError) {
        guard frame.kind == .probeRequest else { throw .unexpected("\(frame.kind) frame, expected probe request") }
        var payload = frame.payload
        let job = try payload.readName("job")
        let bytes = try payload.readVarint(as: UInt64.self, in: 1...Self.maxBytes, "probe bytes")
        let startNs = try payload.readVarint()
        let slotNs = try payload.readVarint(as: UInt64.self, in: 1_000_000...60_000_000_000, "probe slot")
        let count = try payload.readVarint(as: Int.self, in: 0...(payload.readableBytes / 4), "peer count")
        var peers: [Peer] = []
        for _ in 0..<count {
            peers.append(Peer(node: try payload.readName("node"), host: try payload.readWireString(maxLength: 255, "peer host"),
                              port: try payload.readVarint(as: Int.self, in: 1...65_535, "peer port"),
                              slot: try payload.readVarint(as: Int.self, in: 0...1_024, "probe slot index")))
        }
        try payload.expectFullyRead("probe request")
        self.init(job: job, bytes: bytes, startNs: startNs, slotNs: slotNs, peers: peers)
    }
}
