import NIOCore
import VigilCore

/// ```
/// rank = string job | varint rank | varint worldSize | varint pid | string host | varint attempt
///      | u8 status | svarint exitStatus (−1: none)
///      | varint consumed | varint pending | varint dropped
///      | u8 blocked | [varint op | varint communicator | varint seq | varint since
///                     | varint peerCount | varint listed | varint peer*]
///      | varint communicators | (varint id | varint size | varint entered | varint left)*
///      | svarint cpuThrottledNs (−1: unknown) | varint endedNs (0: running)
///      | u8 waits | [varint spanNs | varint blockedNs | varint peers | (varint peer | varint ns)* | varint longestWaitNs]
/// ```
extension ByteBuffer {
    private static let statuses: [RankStatus] = [.running, .finished, .died, .stopped]

    public mutating func writeRankSnapshot(_ r: RankSnapshot) {
        writeName(r.identity.job)
        writeVarint(UInt64(r.identity.rank))
        writeVarint(UInt64(r.identity.worldSize))
        writeVarint(UInt64(r.identity.pid))
        writeName(r.identity.host)
        writeVarint(UInt64(r.identity.attempt))
        writeInteger(UInt8(Self.statuses.firstIndex(of: r.status)!))
        writeSignedVarint(Int64(r.exitStatus ?? -1))
        writeVarint(r.counters.consumed)
        writeVarint(r.counters.pending)
        writeVarint(r.counters.dropped)
        if let blocked = r.blocked {
            writeInteger(UInt8(1))
            writeVarint(UInt64(blocked.op.rawValue))
            writeVarint(blocked.communicator)
            writeVarint(blocked.seq)
            writeVarint(blocked.sinceNs)
            writeVarint(UInt64(blocked.peerCount))
            writeVarint(UInt64(blocked.peers.count))
            for peer in blocked.peers { writeVarint(UInt64(peer)) }
        } else {
            writeInteger(UInt8(0))
        }
        writeVarint(UInt64(r.progress.count))
        for p in r.progress {
            writeVarint(p.communicator)
            writeVarint(UInt64(p.size))
            writeVarint(p.lastSeqEntered)
            writeVarint(p.lastSeqLeft)
        }
        writeSignedVarint(r.cpuThrottledNs.map { Int64(clamping: $0) } ?? -1)
        writeVarint(r.endedNs ?? 0)
        if let waits = r.waits {
            writeInteger(UInt8(1))
            writeVarint(waits.spanNs)
            writeVarint(waits.blockedNs)
            writeVarint(UInt64(waits.peers.count))
            for wait in waits.peers {
                writeVarint(UInt64(wait.peer))
                writeVarint(wait.ns)
            }
            writeVarint(waits.longestWaitNs)
        } else {
            writeInteger(UInt8(0))
        }
    }

    public mutating func readRankSnapshot() throws(WireError) -> RankSnapshot {
        let job = try readName("job")
        let rank = try readRank()
        let worldSize = try readVarint(as: Int.self, in: 1...(1 << 24), "world size")
        guard rank < worldSize else { throw .valueOutOfRange("rank (not below world size)") }
        let pid = try readVarint(as: Int32.self, in: 1...Int32.max, "pid")
        let host = try readName("host")
        let attempt = try readAttempt()
        guard let rawStatus = readInteger(as: UInt8.self), Int(rawStatus) < Self.statuses.count else {
            throw .valueOutOfRange("rank status")
        }
        let exit = try readSignedVarint()
        guard (-1...255).contains(exit) else { throw .valueOutOfRange("exit status") }
        let counters = RingCounters(consumed: try readVarint(), pending: try readVarint(), dropped: try readVarint())
        let blocked = try readBlockedCall()
        let communicators = try readVarint(as: Int.self, in: 0...(readableBytes / 4), "communicator count")
        var progress: [RankSnapshot.Progress] = []
        for _ in 0..<communicators {
            let id = try readVarint()
            let size = try readVarint(as: UInt32.self, in: 0...(1 << 24), "communicator size")
            let entered = try readVarint(), left = try readVarint()
            progress.append(.init(communicator: id, size: size, lastSeqEntered: entered, lastSeqLeft: left))
        }
        let throttled = try readSignedVarint()
        guard throttled >= -1 else { throw .valueOutOfRange("throttled time") }
        let ended = try readVarint()
        let waits = try readWaitProfile()
        return RankSnapshot(identity: RankIdentity(job: job, rank: rank, worldSize: worldSize, pid: pid, host: host, attempt: attempt),
                            status: Self.statuses[Int(rawStatus)], exitStatus: exit < 0 ? nil : Int32(exit),
                            counters: counters, blocked: blocked, progress: progress,
                            cpuThrottledNs: throttled < 0 ? nil : UInt64(throttled), endedNs: ended == 0 ? nil : ended,
                            waits: waits)
    }

    private mutating func readWaitProfile() throws(WireError) -> WaitProfile? {
        guard let flag = readInteger(as: UInt8.self), flag <= 1 else { throw .valueOutOfRange("waits flag") }
        guard flag == 1 else { return nil }
        let span = try readVarint(), blocked = try readVarint()
        guard blocked <= span else { throw .valueOutOfRange("blocked time (beyond the span)") }
        let count = try readVarint(as: Int.self, in: 0...WaitProfile.maxPeers, "waited peers")
        var peers: [WaitProfile.PeerWait] = []
        for _ in 0..<count {
            let peer = try readVarint(as: Int.self, in: 0...(1 << 24), "waited peer")
            let ns = try readVarint()
            guard ns <= blocked else { throw .valueOutOfRange("wait on a peer (beyond the blocked time)") }
            peers.append(.init(peer: peer, ns: ns))
        }
        return WaitProfile(spanNs: span, blockedNs: blocked, peers: peers, longestWaitNs: try readVarint())
    }

    private mutating func readBlockedCall() throws(WireError) -> BlockedCall? {
        guard let flag = readInteger(as: UInt8.self), flag <= 1 else { throw .valueOutOfRange("blocked flag") }
        guard flag == 1 else { return nil }
        let op = try readOp()
        let communicator = try readVarint(), seq = try readVarint(), since = try readVarint()
        let count = try readVarint(as: Int.self, in: 0...(1 << 24), "blocked peer count")
        let listed = try readVarint(as: Int.self, in: 0...min(count, BlockedCall.maxPeers), "blocked peers listed")
        var peers: [Int] = []
        for _ in 0..<listed { peers.append(try readVarint(as: Int.self, in: 0...(1 << 24), "blocked peer")) }
        return BlockedCall(op: op, communicator: communicator, seq: seq, sinceNs: since, peers: peers, peerCount: count)
    }
}
