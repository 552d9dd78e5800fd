#if canImport(Glibc)
import Glibc
#endif

/// Plain blocking TCP for the agent's own threads (link probes, buddy
/// copies): every call bounded by the socket's timeouts.
enum BlockingSocket {
    /// A TCP connection with no Nagle delay, sends and receives bounded by `timeoutNs`.
    static func connect(to host: String, port: Int, timeoutNs: UInt64) -> Int32? {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &found) == 0, let info = found else { return nil }
        defer { freeaddrinfo(found) }
        let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        setTimeouts(fd, timeoutNs)
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        guard Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    static func setTimeouts(_ fd: Int32, _ timeoutNs: UInt64) {
        var timeout = timeval(tv_sec: Int(timeoutNs / 1_000_000_000), tv_usec: Int(timeoutNs % 1_000_000_000 / 1_000))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    static func sendAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    static func sendLine(_ fd: Int32, _ line: String) -> Bool {
        Array((line + "\n").utf8).withUnsafeBytes { sendAll(fd, $0) }
    }

    /// One line of at most `limit` bytes, read a byte at a time (nothing
    /// past the newline is consumed); nil on a timeout, a close or a longer line.
    static func readLine(_ fd: Int32, limit: Int = 4_096) -> String? {
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while line.count <= limit {
            guard recv(fd, &byte, 1, 0) == 1 else { return nil }
            if byte == UInt8(ascii: "\n") { return String(decoding: line, as: UTF8.self) }
            line.append(byte)
        }
        return nil
    }
}
