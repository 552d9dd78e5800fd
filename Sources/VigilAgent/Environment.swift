#if canImport(Glibc)
import Glibc
#endif

/// Thin access to the process environment and clocks.
enum Environment {
    static func value(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    static var effectiveUserID: UInt32 { geteuid() }

    /// A whole (small) file such as /proc/PID/stat; nil if it cannot be read.
    static func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            out += buffer[..<n]
        }
        return out.isEmpty ? nil : String(decoding: out, as: UTF8.self)
    }

    static var hostName: String {
        var buffer = [UInt8](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count - 1)
        return String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
    }
}


/// Names in a directory, without "." and "..".
func listDirectory(_ path: String) throws -> [String] {
    guard let dir = opendir(path) else { throw RingFileError.system("list \(path)", errno) }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        if name != "." && name != ".." { names.append(name) }
    }
    return names
}
