import Foundation
import NIOCore
import VigilCore

/// ```
/// run = string job | varint attempt | string node | u8 state | varint startedNs | varint endedNs (0: running)
///     | svarint exitStatus (−1: none) | varint hosts | (string host | varint slots)*
///     | varint argc | (string arg)* | string stdoutTail | string stderrTail
///     | string spec (the RunSpec as JSON, "" for none)
/// ```
extension ByteBuffer {
    private static let states = JobRun.State.allCases
    private static let argumentLimit = 4_096

    mutating func writeJobRun(_ run: JobRun) {
        writeName(run.job)
        writeVarint(UInt64(run.attempt))
        writeName(run.node)
        writeInteger(UInt8(Self.states.firstIndex(of: run.state)!))
        writeVarint(run.startedNs)
        writeVarint(run.endedNs ?? 0)
        writeSignedVarint(Int64(run.exitStatus ?? -1))
        writeVarint(UInt64(run.hosts.count))
        for host in run.hosts {
            writeWireString(host.host)
            writeVarint(UInt64(host.slots))
        }
        writeVarint(UInt64(run.command.count))
        for argument in run.command { writeWireString(argument) }
        writeWireString(run.stdoutTail)
        writeWireString(run.stderrTail)
        writeWireString(run.spec.flatMap { try? JSONEncoder().encode($0) }.map { String(decoding: $0, as: UTF8.self) } ?? "")
    }

    mutating func readJobRun() throws(WireError) -> JobRun {
        let job = try readName("job")
        let attempt = try readVarint(as: Int.self, in: 1...1_000_000, "attempt")
        let node = try readName("node")
        guard let rawState = readInteger(as: UInt8.self), Int(rawState) < Self.states.count else {
            throw .valueOutOfRange("run state")
        }
        let started = try readVarint()
        let ended = try readVarint()
        let exit = try readSignedVarint()
        guard (-1...255).contains(exit) else { throw .valueOutOfRange("exit status") }
        let hostCount = try readVarint(as: Int.self, in: 1...max(1, min(4_096, readableBytes / 2)), "host count")
        var hosts: [HostSlots] = []
        for _ in 0..<hostCount {
            let host = try readWireString(maxLength: 253, "host")
            guard HostList.isValidHost(host) else { throw .valueOutOfRange("host (\(HostList.hostRule))") }
            hosts.append(HostSlots(host: host, slots: try readVarint(as: Int.self, in: 1...4_096, "slots")))
        }
        let argc = try readVarint(as: Int.self, in: 1...max(1, min(Self.argumentLimit, readableBytes)), "argument count")
        var command: [String] = []
        for _ in 0..<argc { command.append(try readWireString(maxLength: Self.argumentLimit, "argument")) }
        let stdoutTail = try readWireString(maxLength: JobRun.tailBytes, "stdout tail")
        let stderrTail = try readWireString(maxLength: JobRun.tailBytes, "stderr tail")
        let spec = try readRunSpec()
        return JobRun(job: job, attempt: attempt, node: node, hosts: hosts, command: command,
                      state: Self.states[Int(rawState)], startedNs: started, endedNs: ended == 0 ? nil : ended,
                      exitStatus: exit < 0 ? nil : Int32(exit), stdoutTail: stdoutTail, stderrTail: stderrTail, spec: spec)
    }

    mutating func readRunSpec() throws(WireError) -> RunSpec? {
        let text = try readWireString(maxLength: 1 << 20, "run spec")
        guard !text.isEmpty else { return nil }
        do {
            let spec = try JSONDecoder().decode(RunSpec.self, from: Data(text.utf8))
            try spec.validate()
            return spec
        } catch {
            throw .valueOutOfRange("run spec: \(error)")
        }
    }
}
