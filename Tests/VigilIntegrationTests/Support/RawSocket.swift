import Foundation

/// A raw stream socket a test drives by hand, to speak to the agent or the
/// server the way a broken or hostile peer would.
final class RawSocket {
    private let fd: Int32

    private init(fd: Int32, address: UnsafeRawBufferPointer) throws {
        self.fd = fd
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let rc = connect(fd, address.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(address.count))
        guard rc == 0 else {
            let code = errno
            close(fd)
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
    }

    deinit { close(fd) }

    /// A Unix socket at `path`.
    static func unix(_ path: String) throws -> RawSocket {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        return try withUnsafeBytes(of: &address) { try RawSocket(fd: socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0), address: $0) }
    }

    /// TCP to 127.0.0.1:`port`.
    static func tcp(port: Int) throws -> RawSocket {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return try withUnsafeBytes(of: &address) { try RawSocket(fd: socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0), address: $0) }
    }

    func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Foundation.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    func send(_ text: String) { send(Array(text.utf8)) }

    /// No more bytes from us; the peer sees end of stream.
    func finishSending() { shutdown(fd, Int32(SHUT_WR)) }

    /// Everything until the peer closes (nil if it did not within the timeout).
    func readToEnd() -> [UInt8]? {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n == 0 { return out }
            if n < 0 { return nil }
            out += buffer[..<n]
        }
    }

    /// `readToEnd` as text ("" if the peer never closed).
    func readTextToEnd() -> String { String(decoding: readToEnd() ?? [], as: UTF8.self) }

    /// One line, without waiting for the connection to close.
    func readLine() -> String {
        var out: [UInt8] = []
        var byte: UInt8 = 0
        while read(fd, &byte, 1) == 1, byte != UInt8(ascii: "\n") { out.append(byte) }
        return String(decoding: out, as: UTF8.self)
    }
}
