import Foundation
import Logging
import ServiceLifecycle
import VigilCore
#if canImport(Glibc)
import Glibc
#endif

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
            var present = Set<String>()
            for directory in directories {
                let job = Self.job(of: directory)
                for path in Self.files(in: directory) {
                    present.insert(path)
                    var followed = files[path] ?? Followed(offset: 0)
                    read(path, &followed, job: job, problems: &problems)
                    files[path] = followed
                }
            }
            files = files.filter { present.contains($0.key) }  // removed files are forgotten
            problems.report(logger)
            try? await Task.sleep(for: interval)
        }
    }

    private func read(_ path: String, _ followed: inout Followed, job: String, problems: inout InspectorProblems) {
        guard let owner = Self.regularFileOwner(path), let handle = FileHandle(forReadingAtPath: path) else { return }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        if size < followed.offset { followed = Followed(offset: 0) }  // truncated or replaced: from its start
        guard size > followed.offset, (try? handle.seek(toOffset: followed.offset)) != nil,
              let bytes = try? handle.read(upToCount: Self.readLimit) else { return }
        followed.offset += UInt64(bytes.count)
        let skippedBefore = followed.stream.skippedBytes
        var byProcess: [Int32: (RankIdentity, [CollectiveRecord])] = [:]
        let decoder = JSONDecoder()
        let host = Environment.hostName
        for object in followed.stream.feed(bytes) {
            do {
                let record = try decoder.decode(InspectorRecord.self, from: Data(object))
                // Another host's process (a shared file system) is that host's agent's to follow.
                if let written = record.metadata.hostname, Self.shortName(written) != Self.shortName(host) { continue }
                let identity = record.identity(job: job, host: host)
                let collective = try record.collective
                var entry = byProcess[identity.pid] ?? (identity, [])
                if identity.worldSize > entry.0.worldSize { entry.0 = identity }
                entry.1.append(collective)
                byProcess[identity.pid] = entry
            } catch {
                problems.note(path, "\(error)")
            }
        }
        if followed.stream.skippedBytes > skippedBefore {
            problems.note(path, "\(followed.stream.skippedBytes - skippedBefore) bytes that are not JSON objects skipped")
        }
        for (identity, records) in byProcess.values where !table.apply(inspected: identity, owner: owner, records) {
            problems.note(path, "process \(identity.pid) (rank \(identity.rank)) is not running here as the file's owner: not followed")
        }
    }

    /// `nccl-inspector-JOB` (Inspector's default name) gives JOB; any other directory its own name.
    static func job(of directory: String) -> String {
        let name = URL(fileURLWithPath: directory).lastPathComponent
        let job = name.hasPrefix("nccl-inspector-") ? String(name.dropFirst("nccl-inspector-".count)) : name
        return SafeName.isValid(job) ? job : "nccl"
    }

    /// The regular files in `directory` and in its subdirectories (one level: Inspector's per-host ones).
    static func files(in directory: String) -> [String] {
        var out: [String] = []
        for name in (try? listDirectory(directory)) ?? [] {
            let path = directory + "/" + name
            if regularFileOwner(path) != nil {
                out.append(path)
            } else {
                out += ((try? listDirectory(path)) ?? []).map { path + "/" + $0 }.filter { regularFileOwner($0) != nil }
            }
        }
        return out.sorted()
    }

    /// The owner of a regular file (not a FIFO, which would block a read, nor a directory); nil for anything else.
    static func regularFileOwner(_ path: String) -> UInt32? {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return info.st_uid
    }

    static func shortName(_ host: String) -> Substring { host.prefix { $0 != "." } }

    private static func size(_ path: String) -> UInt64 {
        var info = stat()
        return stat(path, &info) == 0 ? UInt64(info.st_size) : 0
    }
}
