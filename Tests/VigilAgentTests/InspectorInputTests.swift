import Foundation
import Testing
import VigilCore
@testable import VigilAgent

struct InspectorInputTests {
    static let record = """
        {
          "header": {"id": "0x7f8c496ae9f661", "rank": 2, "n_ranks": 8, "nnodes": 1},
          "metadata": {"inspector_output_format_version": "v4.0", "git_rev": "", "rec_mechanism": "profiler_plugin",
                       "dump_timestamp_us": 1748030377748202, "hostname": "gpu-07", "pid": 1639453},
          "coll_perf": {"coll": "AllReduce", "coll_sn": 1407, "coll_msg_size_bytes": 17179869184,
                        "coll_exec_time_us": 61974, "coll_algobw_gbs": 277.2, "coll_busbw_gbs": 485.1}
        }
        """

    @Test func aRecordIsTheCollectiveLibvigilWouldHaveRecorded() throws {
        let decoded = try JSONDecoder().decode(InspectorRecord.self, from: Data(Self.record.utf8))
        let collective = try decoded.collective
        #expect(collective.op == .allreduce && collective.seq == 1407 && collective.communicatorSize == 8)
        #expect(collective.communicator == 0x7f8c496ae9f661 && collective.bytes == 17_179_869_184)
        #expect(collective.exitNs == 1_748_030_377_748_202_000 && collective.durationNs == 61_974_000,
                "it ended at the dump, as long before as it took")
        #expect(decoded.identity(job: "j", host: "here") == RankIdentity(job: "j", rank: 2, worldSize: 8, pid: 1_639_453, host: "gpu-07"))
    }

    @Test func verboseTimestampsGiveTheStart() throws {
        let verbose = Self.record.replacing(#""coll_busbw_gbs": 485.1}"#,
                                            with: #""coll_busbw_gbs": 485.1, "event_trace_ts": {"coll_start_ts": 1748030377600000}}"#)
        let collective = try JSONDecoder().decode(InspectorRecord.self, from: Data(verbose.utf8)).collective
        #expect(collective.enterNs == 1_748_030_377_600_000_000)
    }

    @Test(arguments: [(#""AllReduce""#, #""Frobnicate""#, "unknown collective 'Frobnicate'"),
                      (#""0x7f8c496ae9f661""#, #""zz""#, "is not a hex hash"),
                      (#""rank": 2"#, #""rank": 9"#, "rank 9 outside a communicator of 8"),
                      (#""n_ranks": 8"#, #""n_ranks": 99999999999"#, "outside a communicator"),
                      (#""coll_exec_time_us": 61974"#, #""coll_exec_time_us": 18446744073709551615"#, "past any clock"),
                      (#""dump_timestamp_us": 1748030377748202"#, #""dump_timestamp_us": 18446744073709551"#, "past any clock")])
    func aRecordThatMakesNoSenseIsRefused(_ from: String, _ to: String, _ reason: String) throws {
        let bad = try JSONDecoder().decode(InspectorRecord.self, from: Data(Self.record.replacing(from, with: to).utf8))
        #expect(throws: InspectorError.self) { try bad.collective }
        do { _ = try bad.collective } catch { #expect(error.description.contains(reason), "\(error)") }
    }

    @Test func theStreamCutsWholeObjectsAcrossReads() {
        var stream = InspectorStream()
        let text = Array((Self.record + "\n" + #"{"a": "}{", "b": {"c": "\"}"}}"# + "\nnot json\n{\"tail\": ").utf8)
        var objects = stream.feed(text[..<100])
        #expect(objects.isEmpty, "the first object is not whole yet")
        objects = stream.feed(text[100...])
        #expect(objects.count == 2)
        #expect(String(decoding: objects[1], as: UTF8.self) == #"{"a": "}{", "b": {"c": "\"}"}}"#, "braces in strings do not count")
        #expect(stream.skippedBytes == "notjson".utf8.count, "what is not an object is counted")
        #expect(stream.feed(Array("1}\n".utf8)).map { String(decoding: $0, as: UTF8.self) } == [#"{"tail": 1}"#])
    }

    @Test func anEndlessObjectIsDroppedAndCounted() {
        var stream = InspectorStream()
        let huge = [UInt8]("{\"x\": \"".utf8) + [UInt8](repeating: 0x61, count: InspectorStream.maxObjectBytes + 10)
        #expect(stream.feed(huge).isEmpty)
        #expect(stream.skippedBytes > InspectorStream.maxObjectBytes)
        #expect(stream.feed(Array("{\"ok\": 1}".utf8)).count == 1, "it reads on after")
    }

    @Test func theDirectoryNamesTheJob() {
        #expect(InspectorFollower.job(of: "/var/log/nccl-inspector-4242") == "4242")
        #expect(InspectorFollower.job(of: "/data/llama-7b") == "llama-7b")
        #expect(InspectorFollower.job(of: "/data/a b") == "nccl")
    }
}
