import Foundation
import VigilCore

/// One collective of one rank as NCCL Inspector writes it (its JSON output,
/// format v4: `header`, `metadata`, `coll_perf`), so GPU jobs feed the same
/// detector as MPI ones. Only what the detector uses is decoded; unknown
/// fields are ignored.
struct InspectorRecord: Decodable, Equatable {
    struct Header: Decodable, Equatable {
        /// The communicator's hash, hex (`0x7f8c496ae9f661`).
        var id: String
        var rank: Int
        var nRanks: Int

        enum CodingKeys: String, CodingKey {
            case id, rank
            case nRanks = "n_ranks"
        }
    }

    struct Metadata: Decodable, Equatable {
        var dumpTimestampUs: UInt64
        var hostname: String?
        var pid: Int32

        enum CodingKeys: String, CodingKey {
            case dumpTimestampUs = "dump_timestamp_us"
            case hostname, pid
        }
    }

    struct Performance: Decodable, Equatable {
        var coll: String
        var collSn: UInt64
        var collMsgSizeBytes: UInt64
        var collExecTimeUs: UInt64
        var collBusbwGbs: Double?
        var eventTraceTs: Trace?

        /// Verbose mode's timestamps (µs): when the call started.
        struct Trace: Decodable, Equatable {
            var collStartTs: UInt64?

            enum CodingKeys: String, CodingKey { case collStartTs = "coll_start_ts" }
        }

        enum CodingKeys: String, CodingKey {
            case coll
            case collSn = "coll_sn"
            case collMsgSizeBytes = "coll_msg_size_bytes"
            case collExecTimeUs = "coll_exec_time_us"
            case collBusbwGbs = "coll_busbw_gbs"
            case eventTraceTs = "event_trace_ts"
        }
    }

    var header: Header
    var metadata: Metadata
    var collPerf: Performance

    enum CodingKeys: String, CodingKey {
        case header, metadata
        case collPerf = "coll_perf"
    }

    static let operations: [String: CollectiveOp] = [
        "AllReduce": .allreduce, "Reduce": .reduce, "Broadcast": .bcast, "AllGather": .allgather,
        "ReduceScatter": .reduceScatter, "AllToAll": .alltoall, "Gather": .gather, "Scatter": .scatter,
    ]

    /// Bounds that keep every conversion to ns from overflowing.
    static let maxRanks = 1 << 24
    static let maxMicroseconds = UInt64.max / 1_000

    /// The collective as libvigil would have recorded it, in wall-clock ns.
    /// It started at the verbose trace's start, else `coll_exec_time_us`
    /// before the dump (the dump thread writes within its interval of the
    /// end). The communicator hash keeps 63 bits: bit 63 marks rank-local ids.
    var collective: CollectiveRecord {
        get throws(InspectorError) {
            guard let op = Self.operations[collPerf.coll] else { throw .unknownCollective(collPerf.coll) }
            let hex = header.id.hasPrefix("0x") ? header.id.dropFirst(2) : Substring(header.id)
            guard let hash = UInt64(hex, radix: 16), hash != 0 else { throw .badCommunicator(header.id) }
            guard (1...Self.maxRanks).contains(header.nRanks), (0..<header.nRanks).contains(header.rank) else {
                throw .badRank(header.rank, header.nRanks)
            }
            guard collPerf.collExecTimeUs <= Self.maxMicroseconds / 2, metadata.dumpTimestampUs <= Self.maxMicroseconds / 2,
                  (collPerf.eventTraceTs?.collStartTs ?? 0) <= Self.maxMicroseconds / 2 else { throw .badTime }
            let execNs = collPerf.collExecTimeUs * 1_000
            let dumpNs = metadata.dumpTimestampUs * 1_000
            let enterNs = collPerf.eventTraceTs?.collStartTs.map { $0 * 1_000 } ?? (dumpNs - min(dumpNs, execNs))
            return CollectiveRecord(op: op, communicator: hash & ~(1 << 63), seq: collPerf.collSn, enterNs: enterNs,
                                    exitNs: enterNs + execNs, bytes: collPerf.collMsgSizeBytes,
                                    communicatorSize: UInt32(header.nRanks))
        }
    }

    /// Who wrote it: the rank of its communicator, in `job`, on this host.
    func identity(job: String, host: String) -> RankIdentity {
        RankIdentity(job: job, rank: header.rank, worldSize: header.nRanks, pid: metadata.pid, host: metadata.hostname ?? host)
    }
}
