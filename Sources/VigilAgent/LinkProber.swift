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

    static func run(_ request: ProbeRequest, from node: String, report: @escaping @Sendable ([LinkProbe]) -> Void) {
        let thread = Thread {
            var probes: [LinkProbe] = []
            for peer in request.peers.sorted(by: { $0.slot < $1.slot }) {
                let slotStart = request.startNs + UInt64(peer.slot) * request.slotNs
                let now = wallClockNanoseconds()
                if slotStart > now { usleep(useconds_t(min(60_000_000, (slotStart - now) / 1_000))) }
                let measured = measure(peer, bytes: request.bytes, timeoutNs: request.slotNs)
                probes.append(LinkProbe(job: request.job, from: node, to: peer.node, rttNs: measured?.rttNs ?? 0,
                                        bytes: measured == nil ? 0 : request.bytes, transferNs: measured?.transferNs ?? 0,
                                        atNs: wallClockNanoseconds()))
            }
            report(probes)
        }
        thread.name = "vigil-link-probe"
        thread.start()
    }

    /// Best ping round trip, then the time to send `bytes` and hear they arrived; nil if the peer does not answer.
    static func measure(_ peer: ProbeRequest.Peer, bytes: UInt64, timeoutNs: UInt64) -> (rttNs: UInt64, transferNs: UInt64)? {
        guard let fd = connect(to: peer.host, port: peer.port, timeoutNs: timeoutNs) else { return nil }
        defer { close(fd) }
        var best = UInt64.max
        for _ in 0..<pings {
            let start = monotonicNs()
            guard exchange(fd, length: 0) else { return nil }
            best = min(best, monotonicNs() - start)
        }
        let start = monotonicNs()
        guard exchange(fd, length: UInt32(bytes)) else { return nil }
        return (best, monotonicNs() - start)
    }

    /// Send a header and `length` bytes, then read the one-byte answer.
    private static func exchange(_ fd: Int32, length: UInt32) -> Bool {
        let header = length.bigEndian
        guard withUnsafeBytes(of: header, { sendAll(fd, $0) }) else { return false }
        let chunk = [UInt8](repeating: 0x5A, count: 64 << 10)
        var left = Int(length)
        while left > 0 {
            let n = min(left, chunk.count)
            guard chunk.withUnsafeBytes({ sendAll(fd, UnsafeRawBufferPointer(rebasing: $0[..<n])) }) else { return false }
            left -= n
        }
        var answer: UInt8 = 0
        return recv(fd, &answer, 1, Int32(MSG_WAITALL)) == 1
    }

    private static func sendAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    /// A TCP connection with no Nagle delay; every call bounded by `timeoutNs`.
    private static func connect(to host: String, port: Int, timeoutNs: UInt64) -> Int32? {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &found) == 0, let info = found else { return nil }
        defer { freeaddrinfo(found) }
        let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        var timeout = timeval(tv_sec: Int(timeoutNs / 1_000_000_000), tv_usec: Int(timeoutNs % 1_000_000_000 / 1_000))
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        guard Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    private static func monotonicNs() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
