import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// libvigil's checkpoint client under real MPI jobs (vigil-ckpt-check, 4
/// ranks): saves overlap the steps, a resumed job goes on bit for bit as
/// if it had never stopped, and a shard that fails verification is passed
/// over for an older step every rank has.
@Suite(.serialized)
struct CheckpointClientTests {
    /// One rank's closing line: its parameters' digest and the client's figures.
    struct RankLine {
        var digest: String
        var figures: [String: UInt64]
    }

    struct Run {
        var status: Int32?
        var ranks: [Int: RankLine]
        var stdout: String
        var stderr: String
    }

    static func run(_ scope: TestScope, _ arguments: [String], label: String) async throws -> Run {
        let job = try scope.job(ranks: 4, program: Paths.checkpointCheck, arguments, environment: ["VIGIL_DISABLE": "1"],
                                label: label)
        let status = await job.finish(timeout: .seconds(120))
        var ranks: [Int: RankLine] = [:]
        for line in job.child.stdout.split(separator: "\n") where line.hasPrefix("rank ") {
            let words = line.split(separator: " ").map(String.init)
            guard words.count >= 4, let rank = Int(words[1]), words[2] == "digest" else { continue }
            var figures: [String: UInt64] = [:]
            for i in stride(from: 4, to: words.count - 1, by: 2) { figures[words[i]] = UInt64(words[i + 1]) }
            ranks[rank] = RankLine(digest: words[3], figures: figures)
        }
        return Run(status: status, ranks: ranks, stdout: job.child.stdout, stderr: job.child.stderr)
    }

    static func digests(_ run: Run) -> [String] { (0..<4).map { run.ranks[$0]?.digest ?? "-" } }

    @Test func aResumedJobGoesOnBitForBit() async throws {
        try await withScope("ckpt-roundtrip") { scope in
            let dir = scope.directory.appendingPathComponent("local").path
            let first = try await Self.run(scope, ["--dir", dir, "--steps", "20", "--every", "5"], label: "first")
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.ranks.values.allSatisfy { $0.figures["local"] == 20 && $0.figures["errors"] == 0 }, "\(first.stdout)")
            let resumed = try await Self.run(scope, ["--dir", dir, "--steps", "30", "--every", "5", "--resume"], label: "resumed")
            #expect(resumed.stdout.contains("restored step 20"), "\(resumed.stdout)\(resumed.stderr)")
            let straight = try await Self.run(scope, ["--dir", scope.directory.appendingPathComponent("other").path,
                                                      "--steps", "30", "--every", "5"], label: "straight")
            #expect(Self.digests(resumed) == Self.digests(straight), "resumed from step 20 as if never stopped")
            #expect(!Self.digests(straight).contains("-"))
        }
    }

    /// One byte of rank 2's newest shard flipped: every rank goes back to
    /// the step before, and rank 2 says why.
    @Test func aCorruptShardIsPassedOverForTheStepBefore() async throws {
        try await withScope("ckpt-corrupt") { scope in
            let dir = scope.directory.appendingPathComponent("local").path
            let first = try await Self.run(scope, ["--dir", dir, "--steps", "20", "--every", "5"], label: "first")
            #expect(first.status == 0, "\(first.stderr)")
            let shard = dir + "/job/step-000000000020/rank-000002.shard"
            let handle = try #require(FileHandle(forUpdatingAtPath: shard))
            try handle.seek(toOffset: 4_000)
            let byte = try #require(try handle.read(upToCount: 1)).first!
            try handle.seek(toOffset: 4_000)
            try handle.write(contentsOf: Data([byte ^ 0x40]))
            try handle.close()
            let resumed = try await Self.run(scope, ["--dir", dir, "--steps", "30", "--every", "5", "--resume"], label: "resumed")
            #expect(resumed.stdout.contains("restored step 15"), "\(resumed.stdout)\(resumed.stderr)")
            #expect(resumed.stderr.contains("rank 2 passes over step 20 at level 1") && resumed.stderr.contains("checksum mismatch"),
                    "\(resumed.stderr)")
            let straight = try await Self.run(scope, ["--dir", scope.directory.appendingPathComponent("other").path,
                                                      "--steps", "30", "--every", "5"], label: "straight")
            #expect(Self.digests(resumed) == Self.digests(straight))
        }
    }

    /// 8 MiB of state through a 1 MiB pool: the pool never holds more, and
    /// every checkpoint still lands.
    @Test func theStagingPoolStaysWithinItsBound() async throws {
        try await withScope("ckpt-bound") { scope in
            let dir = scope.directory.appendingPathComponent("local").path
            let run = try await Self.run(scope, ["--dir", dir, "--steps", "10", "--every", "2", "--bytes", "\(8 << 20)",
                                                 "--staging", "\(1 << 20)"], label: "bound")
            #expect(run.status == 0, "\(run.stderr)")
            for (rank, line) in run.ranks {
                #expect((line.figures["high_water"] ?? .max) <= 1 << 20, "rank \(rank): \(line.figures)")
                #expect(line.figures["local"] == 10 && line.figures["errors"] == 0, "rank \(rank): \(line.figures)")
            }
            #expect(run.ranks.count == 4, "\(run.stdout)")
        }
    }
}
