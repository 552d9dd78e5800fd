import VigilCore
#if canImport(Glibc)
import Glibc
#endif

/// Shards between buddies: the sender streams its level-1 file, the buddy
/// writes it the shard's way (temporary name, fsync, rename); both check
/// the bytes against the checksum the rank reported.
extension CheckpointFiles {
    /// Sends the shard `header` names from `root` on `fd`, then waits for the buddy's answer.
    static func sendShard(_ header: BuddyShard, fromRoot root: String, on fd: Int32) throws(BuddyShardError) {
        let path = stepDirectory(root: root, job: header.job, step: header.step) + "/" + shardName(rank: header.rank)
        let input = open(path, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw .unreachable("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(input) }
        guard BlockingSocket.sendLine(fd, header.line) else { throw .unreachable("the buddy closed the connection") }
        let sum: UInt64
        do {
            sum = try stream(from: input, to: fd, bytes: header.bytes, path: path, bytesPerSecond: nil)
        } catch {
            throw .unreachable("\(error)")
        }
        guard sum == header.checksum else { throw .unreachable("\(path): not the bytes the rank reported") }
        guard let answer = BlockingSocket.readLine(fd) else { throw .unreachable("no answer from the buddy") }
        guard answer == "OK" else { throw .refused(String(answer.drop { $0 != " " }.dropFirst())) }
    }

    /// Takes the shard `header` announced from `fd` into `root`; on any
    /// failure nothing is left under its name.
    static func receiveShard(_ header: BuddyShard, from fd: Int32, intoRoot root: String) throws(CheckpointFileError) {
        let directory = stepDirectory(root: root, job: header.job, step: header.step)
        let name = shardName(rank: header.rank)
        try makeDirectories(directory)
        try writeAtomically(final: "\(directory)/\(name)", directory: directory) {
            output throws(CheckpointFileError) in
            let sum = try stream(from: fd, to: output, bytes: header.bytes, path: "shard from \(header.from)",
                                 bytesPerSecond: nil, untilEnd: false)
            guard sum == header.checksum else { throw .mismatch("shard from \(header.from)") }
        }
    }
}
