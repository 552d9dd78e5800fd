import CLibSSH
#if canImport(Glibc)
import Glibc
#endif

extension SSHSession {
    /// Copy a local file to `remotePath` over SFTP with the given mode,
    /// through a temporary name renamed at the end, so a reader never sees
    /// half a binary.
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
        let partial = remotePath + ".vigil-partial"
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
            _ = sftp_unlink(sftp, remotePath)  // sftp rename does not replace
            if sftp_rename(sftp, partial, remotePath) != SSH_OK { failed = "rename: \(lastError)" }
        }
        if let failed {
            _ = sftp_unlink(sftp, partial)
            throw .sftp(host: target.host, path: remotePath, reason: failed)
        }
    }
}
