import Foundation

/// The namespace bench (scripts/cluster.sh) for one test: its own prefix,
/// subnet and directory so it never meets a developer's `make cluster-up`;
/// torn down (sshd by pid file, namespaces, bridge) when the scope closes.
struct ClusterBench: Sendable {
    static let name = "vt"
    static let net = "10.78.0"
    /// The data network (MPI, link probes) apart from the management one (ssh, agents → server).
    static let dataNet = "10.78.100"
    let directory: String
    let size: Int
    /// A Slurm of the bench's own runs (slurmctld here, a slurmd per host).
    var slurm = false
    /// Its nodes' Prolog (PrologFlags=Alloc); nil: none.
    var slurmProlog: String?

    var sshConfig: String { directory + "/ssh_config" }
    var knownHosts: String { directory + "/known_hosts" }
    var identity: String { directory + "/id_ed25519" }
    var hosts: [String] { (1...size).map { "node\($0)" } }
    func address(_ k: Int) -> String { "\(Self.net).\(10 + k)" }
    /// This (root) namespace's address on the bench's bridge.
    var controllerAddress: String { "\(Self.net).1" }

    var slurmConf: String { directory + "/slurm/slurm.conf" }

    var environment: [String: String] {
        ["VIGIL_CLUSTER_DIR": directory, "VIGIL_CLUSTER_NAME": Self.name, "VIGIL_CLUSTER_NET": Self.net,
         "VIGIL_CLUSTER_DATA_NET": Self.dataNet, "VIGIL_CLUSTER_SLURM": slurm ? "1" : "0",
         "VIGIL_CLUSTER_SLURM_PROLOG": slurmProlog ?? ""]
    }

    func script(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try runTool("/bin/bash", [Paths.packageRoot.appendingPathComponent("scripts/cluster.sh").path] + arguments,
                    environment: environment)
    }
}

extension TestScope {
    /// A bench of `size` hosts, up and answering ssh; with `slurm`, its Slurm up with every node idle
    /// (running `slurmProlog` on each node a job is given).
    func cluster(size: Int, slurm: Bool = false, slurmProlog: String? = nil) throws -> ClusterBench {
        let bench = ClusterBench(directory: directory.appendingPathComponent("cluster").path, size: size, slurm: slurm,
                                 slurmProlog: slurmProlog)
        stopAfterwards { _ = try? bench.script(["down"]) }
        _ = try bench.script(["down"])  // what a crashed earlier run may have left
        let (status, output) = try bench.script(["up", "\(size)"])
        guard status == 0 else { throw HarnessError.queryFailed("cluster up: \(output)") }
        return bench
    }
}
