import CXXHash
import VigilCore
#if canImport(Glibc)
import Glibc
#endif

/// The agent's checkpoint file work, done the shard's way: under a
/// temporary name, fsync'd, renamed, the directory fsync'd, so a file
/// under its final name is whole.
enum CheckpointFiles {
    /// `<root>/<job>/step-000000000020`, as libvigil names it.
    static func stepDirectory(root: String, job: String, step: Int64) -> String {
        let digits = String(step)
        return "\(root)/\(job)/step-" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits
    }

    static func shardName(rank: Int) -> String {
        let digits = String(rank)
        return "rank-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + ".shard"
    }

    /// Copies a level-1 shard to `toRoot`, checking as it reads that its
    /// bytes are those the rank reported (size, and the XXH3 of all but the
    /// 24-byte trailer): a shard damaged on the local disk is not copied on.
    static func copyShard(_ event: CheckpointShardEvent, toRoot: String) throws(CheckpointFileError) {
        let name = shardName(rank: event.rank)
        let source = stepDirectory(root: event.root, job: event.job, step: event.step) + "/" + name
        let directory = stepDirectory(root: toRoot, job: event.job, step: event.step)
        try makeDirectories(directory)
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw .system("open \(source)", errno) }
        defer { close(input) }
        try writeAtomically(final: "\(directory)/\(name)", directory: directory) {
            output throws(CheckpointFileError) in
            let sum = try stream(from: input, to: output, bytes: event.bytes, path: source, bytesPerSecond: nil)
            guard sum == event.checksum else { throw .mismatch(source) }
        }
    }

    /// Every shard `manifest` lists, re-read under `root` at most
    /// `bytesPerSecond`: its size and checksum as listed.
    static func verify(_ manifest: CheckpointManifest, root: String, bytesPerSecond: Double) throws(CheckpointFileError) {
        let directory = stepDirectory(root: root, job: manifest.job, step: manifest.step)
        for shard in manifest.shards {
            let path = "\(directory)/\(shardName(rank: shard.rank))"
            let input = open(path, O_RDONLY | O_CLOEXEC)
            guard input >= 0 else { throw .system("open \(path)", errno) }
            defer { close(input) }
            guard try stream(from: input, to: nil, bytes: shard.bytes, path: path, bytesPerSecond: bytesPerSecond)
                == shard.checksum else { throw .mismatch(path) }
        }
    }

    /// The manifest of a checkpoint complete at a level, written last.
    static func writeManifest(_ manifest: CheckpointManifest, root: String) throws(CheckpointFileError) -> String {
        let directory = stepDirectory(root: root, job: manifest.job, step: manifest.step)
        try makeDirectories(directory)
        let final = "\(directory)/\(CheckpointManifest.fileName)"
        try writeAtomically(final: final, directory: directory) { output throws(CheckpointFileError) in
            try writeAll(output, Array(manifest.text.utf8), path: final)
        }
        return final
    }

    /// A step's directory gone, its manifest first (and that made durable):
    /// interrupted anywhere, what is left is never taken for complete.
    static func removeStep(root: String, job: String, step: Int64) throws(CheckpointFileError) {
        let directory = stepDirectory(root: root, job: job, step: step)
        let manifest = "\(directory)/\(CheckpointManifest.fileName)"
        guard unlink(manifest) == 0 || errno == ENOENT else { throw .system("remove \(manifest)", errno) }
        guard let dir = opendir(directory) else {
            if errno == ENOENT { return }
            throw .system("open \(directory)", errno)
        }
        let fd = dirfd(dir)
        guard fsync(fd) == 0 else {
            closedir(dir)
            throw .system("fsync \(directory)", errno)
        }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        closedir(dir)
        for name in names where unlink("\(directory)/\(name)") != 0 && errno != ENOENT {
            throw .system("remove \(directory)/\(name)", errno)
        }
        guard rmdir(directory) == 0 || errno == ENOENT else { throw .system("remove \(directory)", errno) }
    }

    /// Reads `bytes` bytes (copying them to `output` if given, at most
    /// `bytesPerSecond` if given), hashing all but the trailer; the XXH3-64.
    /// A file must end there (`untilEnd`); a socket goes on to its answer.
    static func stream(from input: Int32, to output: Int32?, bytes: UInt64, path: String,
                       bytesPerSecond: Double?, untilEnd: Bool = true) throws(CheckpointFileError) -> UInt64 {
        guard bytes >= 24, let state = XXH3_createState() else { throw .mismatch(path) }
        defer { XXH3_freeState(state) }
        XXH3_64bits_reset(state)
        var buffer = [UInt8](repeating: 0, count: 4 << 20)
        var done: UInt64 = 0
        let hashed = bytes - 24, started = monotonicNanoseconds()
        while done < bytes {
            let want = Int(min(UInt64(buffer.count), bytes - done))
            let got = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, want) }
            guard got > 0 else { throw got == 0 ? .mismatch(path) : .system("read \(path)", errno) }
            let hash = Int(min(UInt64(got), hashed - min(hashed, done)))
            if hash > 0 { _ = buffer.withUnsafeBytes { XXH3_64bits_update(state, $0.baseAddress, hash) } }
            if let output { try writeAll(output, buffer[..<got], path: path) }
            done += UInt64(got)
            if let bytesPerSecond {   // ahead of the rate: wait until it catches up
                let due = started + UInt64(Double(done) / bytesPerSecond * 1e9), now = monotonicNanoseconds()
                if due > now { usleep(UInt32(min(1_000_000, (due - now) / 1_000))) }
            }
        }
        var probe: UInt8 = 0
        guard !untilEnd || read(input, &probe, 1) == 0 else { throw .mismatch(path) }   // longer than reported
        return XXH3_64bits_digest(state)
    }

    private static func writeAll(_ fd: Int32, _ bytes: some Collection<UInt8>, path: String) throws(CheckpointFileError) {
        let array = Array(bytes)
        var offset = 0
        while offset < array.count {
            let n = array.withUnsafeBytes { write(fd, $0.baseAddress! + offset, array.count - offset) }
            guard n > 0 else { throw .system("write \(path)", n < 0 ? errno : ENOSPC) }
            offset += n
        }
    }

    /// `body` writes the file under a temporary name of this writer's own
    /// (two agents may write the same file on a shared file system); then it
    /// is synced and renamed into place. On any failure nothing is left behind.
    static func writeAtomically(final: String, directory: String,
                                _ body: (Int32) throws(CheckpointFileError) -> Void) throws(CheckpointFileError) {
        let name = final.split(separator: "/").last.map(String.init) ?? "file"
        let temporary = "\(directory)/.\(name).\(getpid()).\(UInt32.random(in: .min ... .max)).tmp"
        let output = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard output >= 0 else { throw .system("create \(temporary)", errno) }
        do throws(CheckpointFileError) {
            try body(output)
        } catch {
            close(output)
            unlink(temporary)
            throw error
        }
        try finish(output, temporary: temporary, final: final, directory: directory)
    }

    /// Syncs and closes `fd` (whatever happens), then renames into place;
    /// the temporary file is removed on any failure.
    private static func finish(_ fd: Int32, temporary: String, final: String,
                               directory: String) throws(CheckpointFileError) {
        let synced = fsync(fd) == 0 ? 0 : errno
        let closed = close(fd) == 0 ? 0 : errno
        let renamed = synced == 0 && closed == 0 ? (rename(temporary, final) == 0 ? 0 : errno) : 0
        guard synced == 0, closed == 0, renamed == 0 else {
            unlink(temporary)
            throw .system(synced != 0 ? "fsync \(temporary)" : closed != 0 ? "close \(temporary)" : "rename \(temporary)",
                          synced != 0 ? synced : closed != 0 ? closed : renamed)
        }
        let dir = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dir >= 0 else { throw .system("open \(directory)", errno) }
        defer { close(dir) }
        guard fsync(dir) == 0 else { throw .system("fsync \(directory)", errno) }
    }

    static func makeDirectories(_ path: String) throws(CheckpointFileError) {
        var prefix = ""
        for part in path.split(separator: "/") {
            prefix += "/" + part
            guard mkdir(prefix, 0o755) == 0 || errno == EEXIST else { throw .system("create \(prefix)", errno) }
        }
    }
}

enum CheckpointFileError: Error, CustomStringConvertible {
    case system(String, Int32)
    case mismatch(String)

    var description: String {
        switch self {
        case .system(let what, let code): "cannot \(what): \(String(cString: strerror(code)))"
        case .mismatch(let path): "\(path): not the bytes the rank reported (size or checksum)"
        }
    }
}
