import NIOCore
import VigilCore

/// ```
/// link = string job | varint rank | varint peer | varint start | varint length
///      | varint sent | varint sentBytes | varint sendBusy
///      | varint received | varint receivedBytes | varint receiveBusy | varint records
/// ```
extension ByteBuffer {
    mutating func writeLinkWindow(_ w: LinkWindow) {
        writeName(w.job)
        writeVarint(UInt64(w.rank))
        writeVarint(UInt64(w.peer))
        writeSpan(w.startNs, w.endNs)
        let t = w.traffic
        for value in [t.sent, t.sentBytes, t.sendBusyNs, t.received, t.receivedBytes, t.receiveBusyNs, t.records] {
            writeVarint(value)
        }
    }

    mutating func readLinkWindow() throws(WireError) -> LinkWindow {
        let job = try readName("job")
        let rank = try readRank()
        let peer = try readRank("peer")
        let span = try readSpan("link window span")
        var traffic = PeerTraffic(peer: Int32(peer))
        traffic.sent = try readVarint()
        traffic.sentBytes = try readVarint()
        traffic.sendBusyNs = try readVarint()
        traffic.received = try readVarint()
        traffic.receivedBytes = try readVarint()
        traffic.receiveBusyNs = try readVarint()
        traffic.records = try readVarint()
        return LinkWindow(job: job, rank: rank, peer: peer, startNs: span.start, endNs: span.end, traffic: traffic)
    }
}
