import Foundation
import VigilCore
#if canImport(Glibc)
import Glibc
#endif

/// Runs the probes a `ProbeRequest` asks for, each in its slot, against the
/// peers' `ProbeResponder`s, on a thread of its own (blocking sockets, a
/// few seconds at most), and hands back one `LinkProbe` per peer.
enum LinkProber {
    static let pings = 5
    /// The bytes go in this many transfers and the fastest counts: a node
    /// short of CPU only ever slows a transfer, a slow link slows them all.
    static let transfers = 3

    static func run(_ request: ProbeRequest, from node: String, report: @escaping @Sendable ([LinkProbe]) -> Void) {
        let thread = Thread {
            var probes: [LinkProbe] = []
            for peer in request.peers.sorted(by: { $0.slot < $1.slot }) {
                let slotStart = request.startNs + UInt64(peer.slot) * request.slotNs
                let now = wallClockNanoseconds()
                if slotStart > now { usleep(useconds_t(min(60_000_000, (slotStart - now) / 1_000))) }
                let measured = measure(peer, bytes: request.bytes, timeoutNs: request.slotNs)
                probes.append(LinkProbe(job: request.job, from: node, to: peer.node, rttNs: measured?.rttNs ?? 0,
                                        bytes: measured?.bytes ?? 0, transferNs: measured?.transferNs ?? 0,
                                        atNs: wallClockNanoseconds()))
            }
            report(probes)
        }
        thread.name = "vigil-link-probe"
        thread.start()
    }

    /// Best ping round trip, then the fastest of `transfers` sends of a
    /// share of `bytes`, each timed until the peer says it arrived; nil if
    /// the peer does not answer its pings. Once the pings answered, a
    /// transfer that times out is a measurement too: the link took at least
    /// that long for the share, so it is at most that fast. (Left out, a
    /// link too slow to finish in its slot would leave its node's pairs
    /// unmeasured, and the blame on a node whose pairs were.)
    static func measure(_ peer: ProbeRequest.Peer, bytes: UInt64,
                        timeoutNs: UInt64) -> (rttNs: UInt64, bytes: UInt64, transferNs: UInt64)? {
        guard let fd = BlockingSocket.connect(to: peer.host, port: peer.port, timeoutNs: timeoutNs) else { return nil }
        defer { close(fd) }
        var best = UInt64.max
        for _ in 0..<pings {
            let start = monotonicNs()
            guard exchange(fd, length: 0) else { return nil }
            best = min(best, monotonicNs() - start)
        }
        let share = max(bytes / UInt64(transfers), 1)
        var fastest = UInt64.max
        for _ in 0..<transfers {
            let start = monotonicNs()
            let arrived = exchange(fd, length: UInt32(share))
            let elapsed = monotonicNs() - start
            // Failed well before the timeout: the peer went away, which says nothing of the link.
            if arrived || elapsed >= timeoutNs / 10 * 9 { fastest = min(fastest, elapsed) }
            if !arrived { break }
        }
        return fastest == .max ? nil : (best, share, fastest)
    }

    /// Send a header and `length` bytes, then read the one-byte answer.
    private static func exchange(_ fd: Int32, length: UInt32) -> Bool {
        let header = length.bigEndian
        guard withUnsafeBytes(of: header, { BlockingSocket.sendAll(fd, $0) }) else { return false }
        let chunk = [UInt8](repeating: 0x5A, count: 64 << 10)
        var left = Int(length)
        while left > 0 {
            let n = min(left, chunk.count)
            guard chunk.withUnsafeBytes({ BlockingSocket.sendAll(fd, UnsafeRawBufferPointer(rebasing: $0[..<n])) }) else { return false }
            left -= n
        }
        var answer: UInt8 = 0
        return recv(fd, &answer, 1, Int32(MSG_WAITALL)) == 1
    }

    private static func monotonicNs() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
