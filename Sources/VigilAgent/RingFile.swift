import CVigilRing
import VigilCore
#if canImport(Glibc)
import Glibc
#endif

/// A rank's telemetry ring, mapped into the agent. The agent creates it when
/// the rank registers, or maps an existing one when it restarts.
public final class RingFile: @unchecked Sendable {
    public let path: String
    public let header: UnsafeMutablePointer<vigil_ring_header>
    let records: UnsafeMutablePointer<vigil_record>
    let capacity: UInt64
    private let byteCount: Int

    /// `base` holds an initialised, validated ring.
    private init(path: String, base: UnsafeMutableRawPointer, byteCount: Int) {
        self.path = path
        self.byteCount = byteCount
        header = base.bindMemory(to: vigil_ring_header.self, capacity: 1)
        records = (base + Int(VIGIL_RING_HEADER_SIZE)).bindMemory(to: vigil_record.self,
                                                                  capacity: max(0, (byteCount - Int(VIGIL_RING_HEADER_SIZE)) / 64))
        capacity = UInt64(header.pointee.capacity)
    }

    deinit { munmap(UnsafeMutableRawPointer(header), byteCount) }

    /// Create a fresh ring for a registering rank (replacing a stale file).
    public static func create(path: String, capacity: UInt32, identity: RankIdentity) throws(RingFileError) -> RingFile {
        unlink(path)
        let fd = Glibc.open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .system("create \(path)", errno) }
        defer { close(fd) }
        let bytes = vigil_ring_bytes(capacity)
        // Allocate the pages now: a rank must never take a page fault on its
        // first lap around the ring (about 25 ns a record, amortised).
        guard posix_fallocate(fd, 0, off_t(bytes)) == 0 else {
            let saved = errno
            unlink(path)
            throw .system("size \(path)", saved)
        }
        let base = try map(fd: fd, path: path, bytes: bytes)
        vigil_ring_init(base.assumingMemoryBound(to: vigil_ring_header.self), capacity, identity.pid,
                        Int32(identity.rank), Int32(identity.worldSize), UInt32(identity.attempt), identity.job, identity.host)
        return RingFile(path: path, base: base, byteCount: bytes)
    }

    /// Map a ring left by a previous agent, validating everything in it.
    public static func open(path: String) throws(RingFileError) -> RingFile {
        let fd = Glibc.open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw .system("open \(path)", errno) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .system("stat \(path)", errno) }
        guard st.st_size >= off_t(VIGIL_RING_HEADER_SIZE) else { throw .invalid(path, "file smaller than the ring header") }
        let bytes = Int(st.st_size)
        let base = try map(fd: fd, path: path, bytes: bytes)
        if let reason = vigil_ring_validate(base.assumingMemoryBound(to: vigil_ring_header.self), bytes) {
            munmap(base, bytes)
            throw .invalid(path, String(cString: reason))
        }
        return RingFile(path: path, base: base, byteCount: bytes)
    }

    private static func map(fd: Int32, path: String, bytes: Int) throws(RingFileError) -> UnsafeMutableRawPointer {
        guard let base = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0), base != MAP_FAILED else {
            throw .system("map \(path)", errno)
        }
        return base
    }

    public func remove() { unlink(path) }

    /// The identity written into the header when the ring was created.
    public var identity: RankIdentity {
        let h = header.pointee
        return RankIdentity(job: Self.string(h.job_id), rank: Int(h.world_rank), worldSize: Int(h.world_size),
                            pid: h.pid, host: Self.string(h.host), attempt: Int(max(1, h.attempt)))
    }

    public var state: UInt32 { vigil_ring_state(header) }

    /// CLOCK_REALTIME − CLOCK_MONOTONIC as the rank measured it at init.
    public var wallOffsetNs: Int64 { header.pointee.wall_offset_ns }

    public var counters: RingCounters {
        var first: UInt64 = 0
        let pending = vigil_ring_readable(header, &first)
        return RingCounters(consumed: first, pending: pending, dropped: vigil_ring_dropped(header))
    }

    public var blockedCall: BlockedCall? {
        var slot = vigil_inflight()
        guard vigil_inflight_read(header, &slot) == 0, slot.op != 0,
              let op = CollectiveOp(rawValue: UInt16(truncatingIfNeeded: slot.op)) else { return nil }
        guard op.waitsOnPeers else {
            return BlockedCall(op: op, communicator: slot.comm_id, seq: slot.seq, sinceNs: slot.t_enter)
        }
        let listed = withUnsafeBytes(of: slot.peers) { Array($0.bindMemory(to: Int32.self)) }
        let count = Int(min(slot.peer_count, UInt32(1 << 24)))
        return BlockedCall(op: op, communicator: slot.comm_id, seq: 0, sinceNs: slot.t_enter,
                           peers: listed.prefix(min(count, BlockedCall.maxPeers)).filter { $0 >= 0 }.map(Int.init),
                           peerCount: count)
    }

    private static func string<T>(_ tuple: T) -> String {
        withUnsafeBytes(of: tuple) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
