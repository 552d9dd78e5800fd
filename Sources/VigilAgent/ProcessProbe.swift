import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Is a process still the one that registered? The start time from
/// /proc/PID/stat tells a reused pid apart, and a zombie counts as gone.
enum ProcessProbe {
    /// Start time in clock ticks since boot, or nil when the process is gone.
    static func startTime(of pid: Int32) -> UInt64? {
        guard let stat = Environment.readFile("/proc/\(pid)/stat"),
              let close = stat.lastIndex(of: ")") else { return nil }
        // Fields after "comm)" start at field 3 (state); starttime is field 22.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19, fields[0] != "Z", fields[0] != "X" else { return nil }
        return UInt64(fields[19])
    }

    /// Stopped by a signal or a tracer (/proc state T or t).
    static func isStopped(_ pid: Int32) -> Bool {
        guard let stat = Environment.readFile("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(after: close)...].dropFirst().first
        return state == "T" || state == "t"
    }

    /// A process that exists and has not exited (a zombie has).
    static func isRunning(_ pid: Int32) -> Bool { startTime(of: pid) != nil }

    /// The process's real user id, from /proc/PID/status.
    static func owner(of pid: Int32) -> UInt32? {
        guard pid > 0, let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Uid:") }) else { return nil }
        return line.split(whereSeparator: { $0 == "\t" || $0 == " " }).dropFirst().first.flatMap { UInt32($0) }
    }

    /// Whether any process of group `pgid` is still running (scans /proc).
    static func groupHasLiveMember(_ pgid: Int32) -> Bool {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return false }
        return entries.contains { entry in
            guard let pid = Int32(entry), let stat = Environment.readFile("/proc/\(pid)/stat"),
                  let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")  // state, ppid, pgrp, ...
            return fields.count > 2 && fields[0] != "Z" && fields[0] != "X" && Int32(fields[2]) == pgid
        }
    }

    /// The exit status if `pid` is our child and has ended (reaping it).
    static func reapIfChild(_ pid: Int32) -> Int32? {
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

}
