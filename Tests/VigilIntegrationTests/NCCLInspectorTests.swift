import Foundation
import Testing
import VigilCore

/// A GPU job seen through NCCL Inspector's JSON output, generated here in
/// its format (no GPU on this machine): four "GPU ranks" (processes that
/// sleep, as a GPU-bound rank's CPU side does) whose files an agent
/// follows; rank 2 computes 40 ms longer each step, so the others wait
/// for it inside every allreduce. The detector must name rank 2, and only it.
@Suite(.serialized)
struct NCCLInspectorTests {
    static let communicator = "0x5be1c0ffee1234"

    /// One Inspector record, as the plugin writes it (compact, one per line).
    /// This machine's name, as the plugin writes it: the agent follows only its own host's processes.
    static let hostname: String = {
        var buffer = [UInt8](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count - 1)
        return String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
    }()

    static func record(rank: Int, pid: Int32, seq: UInt64, execUs: UInt64, dumpUs: UInt64, host: String = hostname) -> String {
        #"{"header":{"id":"\#(communicator)","rank":\#(rank),"n_ranks":4,"nnodes":1},"#
            + #""metadata":{"inspector_output_format_version":"v4.0","git_rev":"","rec_mechanism":"profiler_plugin","#
            + #""dump_timestamp_us":\#(dumpUs),"hostname":"\#(host)","pid":\#(pid)},"#
            + #""coll_perf":{"coll":"AllReduce","coll_sn":\#(seq),"coll_msg_size_bytes":67108864,"#
            + #""coll_exec_time_us":\#(execUs),"coll_algobw_gbs":100.0,"coll_busbw_gbs":150.0}}"# + "\n"
    }

    @Test func aLateGPURankIsTheStraggler() async throws {
        try await withScope("nccl") { scope in
            let directory = scope.directory.appendingPathComponent("nccl-inspector-gpu-job")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let server = try await scope.server()
            _ = try await scope.agent(arguments: server.agentArguments(node: "gpu-node") + ["--nccl-inspector", directory.path])
            var ranks: [ChildProcess] = []
            for rank in 0..<4 {
                let process = try ChildProcess("/bin/sleep", ["600"], outputDirectory: scope.directory, label: "gpu-rank\(rank)")
                scope.stopAfterwards { await process.stop() }
                ranks.append(process)
            }
            let files = try (0..<5).map { rank -> FileHandle in
                let path = directory.appendingPathComponent("rank-\(rank).log").path
                _ = FileManager.default.createFile(atPath: path, contents: nil)
                return try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            }
            let pids = ranks.map(\.pid)
            // 10 steps a second: 50 ms of compute (90 ms on rank 2), then an allreduce that ends at 95 ms for all.
            let writer = Task {
                var seq: UInt64 = 0
                do {
                    while true {
                        let start = wallClockNanoseconds() / 1_000
                        try await Task.sleep(for: .milliseconds(95))
                        seq += 1
                        for rank in 0..<4 {
                            let exec: UInt64 = rank == 2 ? 5_000 : 45_000
                            try files[rank].write(contentsOf: Data(Self.record(rank: rank, pid: pids[rank], seq: seq, execUs: exec,
                                                                               dumpUs: start + 95_000).utf8))
                        }
                        // Another host's rank 1 on a shared file system, with a pid that is ours here: not followed.
                        try files[4].write(contentsOf: Data(Self.record(rank: 1, pid: pids[0], seq: seq, execUs: 1, dumpUs: start + 95_000,
                                                                        host: "elsewhere").utf8))
                        try await Task.sleep(for: .milliseconds(5))
                    }
                } catch {}  // cancelled: the test is over
            }
            scope.stopAfterwards {
                writer.cancel()
                await writer.value
                for handle in files { try? handle.close() }
            }
            let store = try server.store()
            var incidents: [StoredIncident] = []
            let found = await eventually(timeout: .seconds(60), every: .milliseconds(500)) {
                incidents = ((try? await store.incidents(job: "gpu-job", limit: 20)) ?? []).filter { $0.incident.resolvedNs == nil }
                return incidents.contains { $0.incident.incidentClass == .straggler }
            }
            try #require(found, "a straggler incident: \(incidents.map(\.incident.incidentClass))")
            #expect(incidents.map(\.incident.incidentClass) == [.straggler], "nothing else is raised: \(incidents.map(\.incident))")
            let suspects = incidents.first?.incident.suspects ?? []
            #expect(suspects == [Incident.Suspect(node: "gpu-node", rank: 2)], "rank 2 alone: \(suspects)")
            let ranksSeen = try await store.ranks().filter { $0.snapshot.identity.job == "gpu-job" }
            #expect(Set(ranksSeen.map(\.snapshot.identity.rank)) == [0, 1, 2, 3] && ranksSeen.allSatisfy { $0.snapshot.status == .running })
        }
    }
}
