import Foundation

/// The end of a job's output file, as runs report it: mpirun's (the agent)
/// or a Slurm batch step's (the server).
public enum OutputTail {
    /// The last `limit` bytes, cut at a line start, valid UTF-8 without NUL; "" where it cannot be read.
    public static func read(_ path: String, limit: Int) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let start = size > UInt64(limit) ? size - UInt64(limit) : 0
        try? handle.seek(toOffset: start)
        var bytes = (try? handle.readToEnd()) ?? Data()
        if start > 0, let newline = bytes.firstIndex(of: 0x0A) { bytes = bytes[(newline + 1)...] }
        // NUL would cut the text short in the store: shown as ␀ instead.
        var text = String(decoding: bytes, as: UTF8.self).replacing("\0", with: "\u{2400}")
        while text.utf8.count > limit { text.removeFirst() }  // replacement characters can grow it
        return text
    }
}
