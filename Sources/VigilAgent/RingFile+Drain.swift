import CVigilRing
import VigilCore

extension RingFile {
    /// Move up to `limit` records from the ring into `telemetry`; returns how
    /// many were consumed. Records are read in place in shared memory and the
    /// slots handed back to the producer in one release store.
    public func drain(into telemetry: inout RankTelemetry, limit: UInt64 = .max) -> UInt64 {
        var first: UInt64 = 0
        let count = min(vigil_ring_readable(header, &first), limit)
        guard count > 0 else { return 0 }
        let mask = capacity - 1
        for index in first..<(first + count) {
            telemetry.apply(raw: records[Int(index & mask)])
        }
        vigil_ring_release(header, count)
        return count
    }
}

extension RankTelemetry {
    /// Apply a raw ring record; one with an unknown op is counted as rejected.
    mutating func apply(raw: vigil_record) {
        guard let op = CollectiveOp(rawValue: raw.op), !op.isBlockedOnly else {
            rejected += 1
            return
        }
        apply(CollectiveRecord(
            op: op, communicator: raw.comm_id, seq: raw.seq, enterNs: raw.t_enter, exitNs: raw.t_exit,
            bytes: raw.bytes, busyNs: raw.busy_ns, peer: raw.peer, communicatorSize: raw.comm_size,
            failed: raw.flags & UInt16(VIGIL_RECORD_FAILED.rawValue) != 0))
    }
}
