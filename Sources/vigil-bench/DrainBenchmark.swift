import CVigilRing
import Foundation
import VigilAgent
import VigilCore

/// How fast the agent turns ring records into rank telemetry, on one core.
///
/// Rounds of: fill the ring completely (producer, not timed), then drain it
/// completely (consumer, timed with the thread's CPU clock). The record mix
/// is a training step's: two communicators' allreduces, a bcast, and a
/// point-to-point window now and then.
struct DrainBenchmark {
    let records: Int
    let capacity: UInt32 = 65_536

    func run() {
        let path = "/dev/shm/vigil-bench-\(getpid()).ring"
        let identity = RankIdentity(job: "bench", rank: 0, worldSize: 8, pid: getpid(), host: "bench")
        let ring = try! RingFile.create(path: path, capacity: capacity, identity: identity)
        defer { ring.remove() }
        var telemetry = RankTelemetry(identity: identity, flightRecorderDepth: 4_096)
        var cachedTail: UInt64 = 0
        var produced = 0
        var drained: UInt64 = 0
        var cpuNs: UInt64 = 0
        var seq: [UInt64] = [0, 0]
        while produced < records {
            while vigil_ring_free(ring.header) > 0 && produced < records {
                var record = Self.record(index: produced, seq: &seq)
                _ = vigil_ring_push(ring.header, &cachedTail, &record)
                produced += 1
            }
            let start = threadCPUNanoseconds()
            drained += ring.drain(into: &telemetry)
            cpuNs += threadCPUNanoseconds() - start
        }
        precondition(drained == UInt64(records) && vigil_ring_dropped(ring.header) == 0, "bench lost records")
        let rate = Double(drained) / (Double(cpuNs) / 1e9)
        print(String(format: "agent_drain records %d cpu_s %.3f records_per_s %.0f ns_per_record %.1f goal_records_per_s 5000000 ratio_to_goal %.2f",
                     drained, Double(cpuNs) / 1e9, rate, Double(cpuNs) / Double(drained), rate / 5e6))
    }

    private static func record(index: Int, seq: inout [UInt64]) -> vigil_record {
        var r = vigil_record()
        let t = UInt64(index) * 1_000
        r.t_enter = t
        r.t_exit = t + 700
        switch index % 16 {
        case 15:
            r.op = 32  // point-to-point window
            r.peer = Int32(index % 8)
            r.seq = 10
            r.bytes = 20_480
            r.busy_ns = 9_000
        default:
            let comm = index % 4 == 0 ? 1 : 0
            seq[comm] += 1
            r.op = index % 8 == 3 ? 3 : 1
            r.comm_id = comm == 0 ? 1 : 0x2_0000_0001
            r.seq = seq[comm]
            r.comm_size = comm == 0 ? 8 : 2
            r.bytes = 8_192
            r.peer = -1
        }
        return r
    }
}

func threadCPUNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}
