import Foundation
import NIOCore
import VigilCore

/// ```
/// control = u8 action (0 stop, 1 start)
///         | stop:  string job | varint attempt | varint graceMs
///         | start: string runSpec (JSON, as `vigil launch` sends it)        (frame kind 22)
/// reply   = string job | varint attempt | u8 action | u8 ok | varint ranks | u8 mpirun
///         | string detail | varint atNs                                      (item 11)
/// ```
extension JobControl {
    public var frame: Frame {
        var payload = ByteBuffer()
        switch self {
        case .stop(let job, let attempt, let graceMs):
            payload.writeInteger(JobControlReply.Action.stop.rawValue)
            payload.writeName(job)
            payload.writeVarint(UInt64(attempt))
            payload.writeVarint(UInt64(graceMs))
        case .start(let spec):
            payload.writeInteger(JobControlReply.Action.start.rawValue)
            payload.writeWireString(String(decoding: (try? JSONEncoder().encode(spec)) ?? Data(), as: UTF8.self))
        }
        return Frame(kind: .jobControl, payload: payload)
    }

    public init(frame: Frame) throws(WireError) {
        guard frame.kind == .jobControl else { throw .unexpected("\(frame.kind) frame, expected job control") }
        var payload = frame.payload
        guard let raw = payload.readInteger(as: UInt8.self), let action = JobControlReply.Action(rawValue: raw) else {
            throw .valueOutOfRange("job control action")
        }
        switch action {
        case .stop:
            let job = try payload.readName("job")
            let attempt = try payload.readVarint(as: Int.self, in: 1...1_000_000, "attempt")
            self = .stop(job: job, attempt: attempt, graceMs: try payload.readVarint(as: Int.self, in: 0...3_600_000, "grace"))
        case .start:
            guard let spec = try payload.readRunSpec() else { throw .valueOutOfRange("run spec: none") }
            self = .start(spec)
        }
        try payload.expectFullyRead("job control")
    }
}

extension ByteBuffer {
    mutating func writeJobControlReply(_ reply: JobControlReply) {
        writeName(reply.job)
        writeVarint(UInt64(reply.attempt))
        writeInteger(reply.action.rawValue)
        writeInteger(UInt8(reply.ok ? 1 : 0))
        writeVarint(UInt64(reply.ranks))
        writeInteger(UInt8(reply.mpirun ? 1 : 0))
        writeWireString(reply.detail)
        writeVarint(reply.atNs)
    }

    mutating func readJobControlReply() throws(WireError) -> JobControlReply {
        let job = try readName("job")
        let attempt = try readVarint(as: Int.self, in: 1...1_000_000, "attempt")
        guard let raw = readInteger(as: UInt8.self), let action = JobControlReply.Action(rawValue: raw) else {
            throw .valueOutOfRange("job control action")
        }
        let ok = try readFlag("ok")
        let ranks = try readVarint(as: Int.self, in: 0...(1 << 24), "ranks")
        let mpirun = try readFlag("mpirun")
        return JobControlReply(job: job, attempt: attempt, action: action, ok: ok, ranks: ranks, mpirun: mpirun,
                               detail: try readWireString(maxLength: Self.maxDetailBytes, "detail"), atNs: try readVarint())
    }

    private mutating func readFlag(_ what: String) throws(WireError) -> Bool {
        guard let raw = readInteger(as: UInt8.self), raw <= 1 else { throw .valueOutOfRange(what) }
        return raw == 1
    }
}
