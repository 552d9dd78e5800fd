import Foundation
import Logging
import ServiceLifecycle
import VigilCore

/// Follows NCCL Inspector's output directories (`--nccl-inspector DIR`):
/// every file in DIR and its subdirectories is read as it grows, like
/// `tail -f` (what a file held before the agent started is history, not
/// read), and each collective goes into the rank table as a rank of the
/// job the directory names (`nccl-inspector-JOB`, or DIR's own name).
public struct InspectorFollower: Service {
    private struct Followed {
        var offset: UInt64
        var stream = InspectorStream()
    }

    private let directories: [String]
    private let table: RankTable
    private let logger: Logger
    private let interval: Duration = .milliseconds(250)
    /// Per poll and file: a burst is read over several polls.
    private static let readLimit = 4 << 20

    public init(directories: [String], table: RankTable, logger: Logger) {
        self.directories = directories
        self.table = table
        self.logger = logger
    }

    public func run() async throws {
        var files: [String: Followed] = [:]
        for path in directories.flatMap(Self.files) { files[path] = Followed(offset: Self.size(path)) }
        var problems = InspectorProblems()
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            for directory in directories {
                let job = Self.job(of: directory)
                for path in Self.files(in: directory) {
                    var followed = files[path] ?? Followed(offset: 0)
                    read(path, &followed, job: job, problems: &problems)
                    files[path] = followed
                }
            }
            problems.report(logger)
            try? await Task.sleep(for: interval)
        }
    }

    private func read(_ path: String, _ followed: inout Followed, job: String, problems: inout InspectorProblems) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        if size < followed.offset { followed = Followed(offset: 0) }  // truncated or replaced: from its start
        guard size > followed.offset, (try? handle.seek(toOffset: followed.offset)) != nil,
              let bytes = try? handle.read(upToCount: Self.readLimit) else { return }
        followed.offset += UInt64(bytes.count)
        let skippedBefore = followed.stream.skippedBytes
        var byProcess: [Int32: (RankIdentity, [CollectiveRecord])] = [:]
        let decoder = JSONDecoder()
        for object in followed.stream.feed(bytes) {
            do {
                let record = try decoder.decode(InspectorRecord.self, from: Data(object))
                let identity = record.identity(job: job, host: Environment.hostName)
                byProcess[identity.pid, default: (identity, [])].1.append(try record.collective)
            } catch {
                problems.note(path, "\(error)")
            }
        }
        if followed.stream.skippedBytes > skippedBefore {
            problems.note(path, "\(followed.stream.skippedBytes - skippedBefore) bytes that are not JSON objects skipped")
        }
        for (identity, records) in byProcess.values where !table.apply(inspected: identity, records) {
            problems.note(path, "process \(identity.pid) (rank \(identity.rank)) does not run on this host: its records are not read")
        }
    }

    /// `nccl-inspector-JOB` (Inspector's default name) gives JOB; any other directory its own name.
    static func job(of directory: String) -> String {
        let name = URL(fileURLWithPath: directory).lastPathComponent
        let job = name.hasPrefix("nccl-inspector-") ? String(name.dropFirst("nccl-inspector-".count)) : name
        return SafeName.isValid(job) ? job : "nccl"
    }

    static func files(in directory: String) -> [String] {
        let manager = FileManager.default
        var out: [String] = []
        for name in (try? listDirectory(directory)) ?? [] {
            let path = directory + "/" + name
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if !isDirectory.boolValue {
                out.append(path)
            } else {
                out += ((try? listDirectory(path)) ?? []).map { path + "/" + $0 }.filter { manager.isReadableFile(atPath: $0) }
            }
        }
        return out.sorted()
    }

    private static func size(_ path: String) -> UInt64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.uint64Value ?? 0
    }
}

/// What could not be read, counted per file and reason, logged at most
/// every 10 s: a bad file never floods the log, and nothing goes unsaid.
struct InspectorProblems {
    private var counts: [String: Int] = [:]
    private var lastReport = ContinuousClock.now - .seconds(10)

    mutating func note(_ path: String, _ reason: String) {
        counts["\(path): \(reason)", default: 0] += 1
    }

    mutating func report(_ logger: Logger) {
        guard !counts.isEmpty, ContinuousClock.now - lastReport >= .seconds(10) else { return }
        for (what, count) in counts.sorted(by: { $0.key < $1.key }) {
            logger.warning("NCCL Inspector output not read", metadata: ["what": "\(what)", "times": "\(count)"])
        }
        counts.removeAll()
        lastReport = ContinuousClock.now
    }
}
