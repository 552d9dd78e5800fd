import Foundation
import Testing
import VigilConsole

/// Frames compared with files in Snapshots/: the characters, then a letter
/// per cell for its style, so a diff shows what moved and what changed
/// colour. VIGIL_RECORD_SNAPSHOTS=1 writes them anew; a mismatch leaves the
/// frame drawn next to the file as NAME.actual for `diff`.
enum Snapshot {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

    static func check(_ grid: CellGrid, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let file = directory.appendingPathComponent(name + ".txt")
        let actual = grid.snapshot
        let record = ProcessInfo.processInfo.environment["VIGIL_RECORD_SNAPSHOTS"] == "1"
        if record || !FileManager.default.fileExists(atPath: file.path) {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try actual.write(to: file, atomically: true, encoding: .utf8)
            if !record { Issue.record("new snapshot \(name) written; check it in", sourceLocation: sourceLocation) }
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        let actualFile = directory.appendingPathComponent(name + ".actual")
        guard expected == actual else {
            try actual.write(to: actualFile, atomically: true, encoding: .utf8)
            let first = zip(expected.split(separator: "\n", omittingEmptySubsequences: false),
                            actual.split(separator: "\n", omittingEmptySubsequences: false)).enumerated().first { $1.0 != $1.1 }
            Issue.record("""
                \(name) differs from its snapshot (diff \(file.path) \(actualFile.path))
                first difference, line \((first?.offset ?? 0) + 1):
                - \(first?.element.0 ?? "")
                + \(first?.element.1 ?? "")
                """, sourceLocation: sourceLocation)
            return
        }
        try? FileManager.default.removeItem(at: actualFile)
    }
}
