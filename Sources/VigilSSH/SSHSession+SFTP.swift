import CLibSSH
#if canImport(Glibc)
import Glibc
#endif

extension SSHSession {
    /// Copy a local file to `remotePath` over SFTP with the given mode,
    /// through a temporary name of its own moved over the target at the end
    /// (rename(2), by `mv -f`: SFTP's rename will not replace). A reader never
    /// sees half a binary, a running one keeps its copy, and hosts that
    /// share a file system may upload the same file at once.
    public func upload(_ localPath: String, to remotePath: String, mode: mode_t = 0o755) throws(SSHError) {
        guard let source = fopen(localPath, "rb") else {
            throw .sftp(host: target.host, path: remotePath, reason: "cannot read \(localPath): \(String(cString: strerror(errno)))")
        }
        defer { fclose(source) }
        guard let sftp = sftp_new(handle) else { throw .sftp(host: target.host, path: remotePath, reason: lastError) }
        defer { sftp_free(sftp) }
        guard sftp_init(sftp) == SSH_OK else {
            throw .sftp(host: target.host, path: remotePath, reason: "the server offers no SFTP: \(lastError)")
        }
        let partial = remotePath + ".vigil-partial-\(UInt32.random(in: 0...UInt32.max))"
        guard let file = sftp_open(sftp, partial, O_WRONLY | O_CREAT | O_TRUNC, mode) else {
            throw .sftp(host: target.host, path: remotePath, reason: lastError)
        }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var failed: String?
        while failed == nil {
            let n = fread(&buffer, 1, buffer.count, source)
            if n == 0 { break }
            if sftp_write(file, buffer, n) != n { failed = "write: \(lastError)" }
        }
        if ferror(source) != 0 { failed = "reading \(localPath) failed" }
        sftp_close(file)
        if failed == nil, sftp_chmod(sftp, partial, mode) != SSH_OK { failed = "chmod: \(lastError)" }
        if failed == nil {
            do {
                let moved = try run(["mv", "-f", partial, remotePath], timeout: .seconds(30))
                if moved.status != 0 { failed = "mv: \(moved.stderrText)" }
            } catch {
                failed = "mv: \(error)"
            }
        }
        if let failed {
            _ = sftp_unlink(sftp, partial)
            throw .sftp(host: target.host, path: remotePath, reason: failed)
        }
    }
}
