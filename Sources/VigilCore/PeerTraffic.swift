/// Point-to-point traffic between a rank and one peer, summed over windows.
public struct PeerTraffic: Sendable, Equatable, Codable {
    public let peer: Int32
    public var sent: UInt64 = 0
    public var sentBytes: UInt64 = 0
    public var sendBusyNs: UInt64 = 0
    public var received: UInt64 = 0
    public var receivedBytes: UInt64 = 0
    public var receiveBusyNs: UInt64 = 0
    /// Ring records (per-peer windows of the rank) summed here.
    public var records: UInt64 = 0

    public init(peer: Int32) { self.peer = peer }

    public mutating func apply(_ window: CollectiveRecord) {
        records += 1
        if window.op == .p2pSend {
            sent &+= window.seq
            sentBytes &+= window.bytes
            sendBusyNs &+= window.busyNs
        } else {
            received &+= window.seq
            receivedBytes &+= window.bytes
            receiveBusyNs &+= window.busyNs
        }
    }
}
