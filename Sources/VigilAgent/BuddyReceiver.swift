import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import VigilCore
#if canImport(Glibc)
import Glibc
#endif

/// Takes buddies' checkpoint shards (BuddyShard) into this node's buddy
/// directory and reports each one durable here. Blocking sockets on
/// threads of its own: shards are large and written straight to disk, off
/// the event loops. Unauthenticated like the link probes, so bounded: a
/// header checked before any byte is written, a few connections at once,
/// each dropped when idle.
struct BuddyReceiver: Service {
    static let maxConnections = 4
    /// A connection silent this long is dropped (and a send to a silent buddy fails).
    static let idleTimeoutNs: UInt64 = 30_000_000_000

    /// Bound before the services start (`listen`), so the uplink can announce the port.
    let listener: Int32
    let port: Int
    let root: String
    let checkpoints: CheckpointKeeper
    let logger: Logger

    func run() async throws {
        logger.info("taking buddy shards", metadata: ["port": "\(port)", "directory": "\(root)"])
        let open = ConnectionLimit(Self.maxConnections)
        let thread = Thread { self.accept(on: listener, limit: open) }
        thread.name = "vigil-buddy"
        thread.start()
        try? await gracefulShutdown()
        shutdown(listener, Int32(SHUT_RDWR))   // wakes accept(), which then ends the thread
    }

    /// A listening socket on `port` (0: any free one) and the port it got; nil with errno set.
    static func listen(port: Int) -> (fd: Int32, port: Int)? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr = in_addr(s_addr: INADDR_ANY)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard bound == 0, Glibc.listen(fd, 16) == 0, named == 0 else {
            let saved = errno
            close(fd)
            errno = saved
            return nil
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    private func accept(on listener: Int32, limit: ConnectionLimit) {
        defer { close(listener) }
        while true {
            let fd = Glibc.accept(listener, nil, nil)
            if fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            if fd < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return   // shut down
            }
            guard limit.enter() else {
                close(fd)
                continue
            }
            let connection = Thread {
                defer { limit.leave() }
                self.serve(fd)
            }
            connection.name = "vigil-buddy-shard"
            connection.start()
        }
    }

    /// One shard: its header, its bytes into the buddy directory, the answer.
    private func serve(_ fd: Int32) {
        defer { close(fd) }
        BlockingSocket.setTimeouts(fd, Self.idleTimeoutNs)
        guard let line = BlockingSocket.readLine(fd) else { return }
        let started = monotonicNanoseconds()
        do {
            let header = try BuddyShard(line: line)
            do throws(CheckpointFileError) {
                try CheckpointFiles.receiveShard(header, from: fd, intoRoot: root)
            } catch {
                _ = BlockingSocket.sendLine(fd, "ERR \(error)")
                logger.error("buddy shard not taken", metadata: ["from": "\(header.from)", "job": "\(header.job)",
                                                                 "step": "\(header.step)", "rank": "\(header.rank)",
                                                                 "reason": "\(error)"])
                return
            }
            checkpoints.took(header.event(root: root, durationNs: monotonicNanoseconds() - started, atNs: wallClockNanoseconds()))
            _ = BlockingSocket.sendLine(fd, "OK")
        } catch {
            _ = BlockingSocket.sendLine(fd, "ERR \(error)")
            logger.warning("buddy shard refused", metadata: ["reason": "\(error)"])
        }
    }
}
