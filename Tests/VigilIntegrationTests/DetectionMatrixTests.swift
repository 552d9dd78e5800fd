import Foundation
import Testing
import VigilCore
#if canImport(Glibc)
import Glibc
#endif

/// `make bench`'s detection matrix: every workload under every fault class
/// (and healthy) on the namespace bench, one rank per host. It judges
/// nothing itself: each run prints what was expected and every incident
/// raised, for scripts/bench.sh to turn into precision, recall and latency
/// per class and false incidents per hour. Off in `make test`
/// (VIGIL_DETECTION_MATRIX=1 turns it on; VIGIL_MATRIX_FAULTS=stop,kill
/// runs only those faults, VIGIL_WORKLOADS=pipeline,stencil only those workloads). A slow rank is a CPU quota, except on
/// vigil-sleepy, whose compute sleeps: a quota does not slow it (60 steps/s
/// with and without), a slow accelerator does.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["VIGIL_DETECTION_MATRIX"] == "1"))
struct DetectionMatrixTests {
    enum Fault: String, CaseIterable {
        case healthy, stop, kill, slowrank, slowlink, datadown, nodedown

        /// What a right verdict says, rank r being on node r+1.
        var expected: (Incident.Class, [Incident.Suspect])? {
            switch self {
            case .healthy: nil
            case .stop: (.nonCommunicationHang, [.init(node: "node3", rank: 2)])
            case .kill: (.rankCrash, [.init(node: "node2", rank: 1)])
            case .slowrank: (.straggler, [.init(node: "node4", rank: 3)])
            case .slowlink: (.communicationSlow, [.init(node: "node3")])
            case .datadown: (.communicationHang, [.init(node: "node3")])
            case .nodedown: (.nodeDown, [.init(node: "node4")])
            }
        }
    }

    static let workloads: [String: [String]] = [
        "train": ["--params", "131072", "--samples", "16", "--batch", "16", "--compute-us", "3000", "--p2p"],
        "mesh": ["--compute-us", "20000"],
        "sleepy": ["--compute-us", "15000"],
        "uneven": ["--compute-us", "5000", "--eval-every", "50", "--eval-ms", "300"],
        "pipeline": ["--compute-us", "3000", "--stages", "4", "--micro-batches", "8"],
        "stencil": ["--compute-us", "15000", "--cells", "16"],
    ]

    static let healthySeconds = 60

    static let faults: [Fault] = ProcessInfo.processInfo.environment["VIGIL_MATRIX_FAULTS"].map {
        $0.split(separator: ",").compactMap { Fault(rawValue: String($0)) }
    } ?? Fault.allCases

    /// VIGIL_WORKLOADS=pipeline,stencil runs those workloads only.
    static let names = WorkloadDetectionTests.only(["train", "mesh", "sleepy", "uneven", "pipeline", "stencil"])

    @Test(arguments: Self.names, Self.faults)
    func run(workload: String, fault: Fault) async throws {
        try await withScope("matrix-\(workload)-\(fault)") { scope in
            let program = workload == "train" ? Paths.vigilTrain : Paths.workload(workload)
            let train = ["--steps", "100000000", "--log-every", "100000000"] + Self.workloads[workload]!
                + (fault == .slowlink ? WorkloadDetectionTests.linkBound[workload] ?? [] : [])
            let drill = try await FaultDrill.start(scope, job: "m-\(workload)-\(fault)", program: program, train: train,
                                                   steady: .seconds(10)) {
                if fault == .slowlink { try FaultDrill.limitEveryLink() }
            }
            guard let (expectedClass, suspects) = fault.expected else {
                try await Self.wait(.seconds(Self.healthySeconds))
                let raised = try await drill.incidents()
                print("detection_matrix healthy \(workload) \(Self.healthySeconds + 10) \(raised.count)")
                for incident in raised {
                    print("detection_matrix incident \(workload) \(fault) \(incident.incidentClass.rawValue) 0")
                    print("false alarm on healthy \(workload): \(incident.headline): \(incident.evidence.summary)")
                }
                return
            }
            let quota = fault == .slowrank && workload != "sleepy" ? try CPUQuota(scope: scope, periodUs: 10_000, quotaUs: 1_500) : nil
            let injected = wallClockNanoseconds()
            try inject(fault, into: drill, quota: quota)
            _ = try await drill.firstIncident(sinceNs: injected)
            // Settled: a slow link's suspects are placed by the probes, seconds later.
            _ = await eventually(timeout: .seconds(fault == .slowlink ? 30 : 6), every: .milliseconds(250)) {
                guard fault == .slowlink else { return false }
                let now = (try? await drill.incidents()) ?? []
                return now.contains { $0.suspects == suspects }
            }
            let raised = try await drill.incidents()
            let right = raised.first { $0.incidentClass == expectedClass && $0.suspects == suspects }
            let latency = right.map { String(format: "%.2f", Double(Int64($0.detectedNs) - Int64(injected)) / 1e9) } ?? "-"
            print("detection_matrix run \(workload) \(fault) \(expectedClass.rawValue) \(right == nil ? 0 : 1) \(latency)")
            for incident in raised {
                let correct = incident.incidentClass == expectedClass && incident.suspects == suspects
                print("detection_matrix incident \(workload) \(fault) \(incident.incidentClass.rawValue) \(correct ? 1 : 0)"
                      + (correct ? "" : " \(incident.headline): \(incident.evidence.summary)"))
            }
            if fault == .stop { try drill.signal(rank: 2, SIGCONT) }
        }
    }

    private func inject(_ fault: Fault, into drill: FaultDrill, quota: CPUQuota?) throws {
        switch fault {
        case .healthy: break
        case .stop: try drill.signal(rank: 2, SIGSTOP)
        case .kill: try drill.signal(rank: 1, SIGKILL)
        case .slowrank: try quota.map { try $0.add(drill.ranks[3]!.pid) } ?? drill.signal(rank: 3, SIGUSR1)
        case .slowlink: try FaultDrill.limitLink(3, to: "25mbit")
        case .datadown: try FaultDrill.shell("ip link set \(FaultDrill.dataVeth(3)) down")
        case .nodedown: try FaultDrill.shell("kill -KILL $(ip netns pids \(ClusterBench.name)-node4)")
        }
    }

    private static func wait(_ duration: Duration) async throws {
        let until = ContinuousClock.now + duration
        _ = await eventually(timeout: duration + .seconds(1), every: .milliseconds(500)) { ContinuousClock.now >= until }
    }
}
