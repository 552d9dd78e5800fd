import Foundation
import Testing
@testable import VigilAgent

/// What the agent reads to tell CPU contention from a slow network.
struct CPUPressureProbeTests {
    @Test func findsTheCPUControllersStatUnderV1AndV2() {
        let v1 = "12:cpu,cpuacct:/vigil/rank2\n0::/\n"
        #expect(CgroupThrottle.statFiles(v1, root: "/c") == ["/c/cpu,cpuacct/vigil/rank2/cpu.stat", "/c/cpu.stat"])
        #expect(CgroupThrottle.statFiles("0::/job.slice/rank.scope\n", root: "/c") == ["/c/job.slice/rank.scope/cpu.stat"])
        #expect(CgroupThrottle.statFiles("1:cpu:/\n", root: "/c") == ["/c/cpu/cpu.stat"])
    }

    @Test func readsThrottledTimeInNanoseconds() {
        #expect(CgroupThrottle.parse("nr_periods 10\nnr_throttled 4\nthrottled_time 123456789\n") == 123_456_789)
        #expect(CgroupThrottle.parse("usage_usec 9\nnr_throttled 2\nthrottled_usec 250\n") == 250_000)
        #expect(CgroupThrottle.parse("usage_usec 9\n") == nil)
    }

    @Test func readsThisProcessesCgroupWhereTheMachineHasOne() throws {
        guard FileManager.default.fileExists(atPath: "/sys/fs/cgroup/cpu/cpu.stat")
            || FileManager.default.fileExists(atPath: "/sys/fs/cgroup/cpu.stat") else { return }
        #expect(CgroupThrottle.throttledNs(pid: getpid()) != nil)
    }

    @Test func readsPressureStallTotalsAndTheRunQueue() {
        let psi = "some avg10=1.50 avg60=0.27 avg300=15.47 total=5301172568\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"
        #expect(NodeHealthProbe.stallTotalUs(psi) == 5_301_172_568)
        #expect(NodeHealthProbe.stallTotalUs("garbage") == nil)
        #expect(NodeHealthProbe.stallTotalUs(nil) == nil)
        #expect(NodeHealthProbe.procsRunning("cpu  1 2 3 4 5\nprocs_running 7\nprocs_blocked 0\n") == 7)
    }

    @Test func samplesPressureBetweenTwoCalls() {
        var probe = NodeHealthProbe()
        _ = probe.sample(wallNs: 1_000_000_000)
        let health = probe.sample(wallNs: 1_200_000_000)
        #expect(health.cpu.cores == ProcessInfo.processInfo.activeProcessorCount)
        #expect(health.cpu.runQueue >= 1, "the sampler itself runs")
        if FileManager.default.fileExists(atPath: "/proc/pressure/cpu") {
            #expect((0...1_000).contains(health.cpu.stallPermille))
        }
    }
}
