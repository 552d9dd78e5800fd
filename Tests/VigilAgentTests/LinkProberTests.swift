import Foundation
import Testing
import VigilCore
@testable import VigilAgent
#if canImport(Glibc)
import Glibc
#endif

/// The prober against a peer on loopback that speaks the probe protocol
/// (`u32 length | bytes`, one byte back) but misbehaves on purpose.
@Suite struct LinkProberTests {
    enum Peer {
        /// Answers every ping and transfer.
        case healthy
        /// Answers pings, takes the transfer's bytes and never says they arrived: a link too slow for its slot.
        case stallsTransfers
        /// Answers pings, then hangs up at the first transfer.
        case closesAtTransfer
    }

    static let timeoutNs: UInt64 = 300_000_000
    static let bytes: UInt64 = 3 * 32_768

    @Test func aTransferThatTimesOutAfterThePingsIsASlowLinkNotNoAnswer() throws {
        let measured = try #require(try Self.measure(against: .stallsTransfers))
        #expect(measured.rttNs > 0)
        #expect(measured.bytes == Self.bytes / 3)
        #expect(measured.transferNs >= Self.timeoutNs / 10 * 9, "waited out the slot: \(measured.transferNs) ns")
    }

    @Test func aPeerThatHangsUpSaysNothingOfTheLink() throws {
        #expect(try Self.measure(against: .closesAtTransfer) == nil)
    }

    @Test func aHealthyPeerIsMeasuredWellInsideTheSlot() throws {
        let measured = try #require(try Self.measure(against: .healthy))
        #expect(measured.bytes == Self.bytes / 3 && measured.transferNs < Self.timeoutNs)
    }

    static func measure(against behaviour: Peer) throws -> (rttNs: UInt64, bytes: UInt64, transferNs: UInt64)? {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(listener >= 0)
        defer { close(listener) }
        var address = sockaddr_in(sin_family: sa_family_t(AF_INET), sin_port: 0, sin_addr: in_addr(s_addr: inet_addr("127.0.0.1")),
                                  sin_zero: (0, 0, 0, 0, 0, 0, 0, 0))
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                try #require(bind(listener, raw, length) == 0 && listen(listener, 1) == 0)
                try #require(getsockname(listener, raw, &length) == 0)
            }
        }
        BlockingSocket.setTimeouts(listener, 5_000_000_000)  // accept gives up if the prober never connects
        let served = Thread { serve(listener, behaviour) }
        served.start()
        let peer = ProbeRequest.Peer(node: "n2", host: "127.0.0.1", port: Int(UInt16(bigEndian: address.sin_port)), slot: 0)
        return LinkProber.measure(peer, bytes: bytes, timeoutNs: timeoutNs)
    }

    /// One connection, served as `behaviour` says until the prober closes it.
    static func serve(_ listener: Int32, _ behaviour: Peer) {
        let fd = accept(listener, nil, nil)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var header: UInt32 = 0
        var sink = [UInt8](repeating: 0, count: 64 << 10)
        while recv(fd, &header, 4, Int32(MSG_WAITALL)) == 4 {
            var left = Int(UInt32(bigEndian: header))
            if left > 0 && behaviour == .closesAtTransfer { return }
            while left > 0 {
                let n = recv(fd, &sink, min(left, sink.count), 0)
                guard n > 0 else { return }
                left -= n
            }
            if UInt32(bigEndian: header) > 0 && behaviour == .stallsTransfers { continue }
            var ack: UInt8 = 1
            guard send(fd, &ack, 1, Int32(MSG_NOSIGNAL)) == 1 else { return }
        }
    }
}
