import Foundation
import VigilSSH

/// A bench, a server on its bridge, and how to launch there.
struct LaunchStage {
    let scope: TestScope
    let bench: ClusterBench
    let server: ServerHarness
    var remoteDirectory: String { scope.directory.appendingPathComponent("remote").path }

    /// mpirun across the namespaces (docs/launch.md), as --mpirun-arg pairs.
    var mpirunArguments: [String] {
        ["--mca", "plm_rsh_agent", "ssh -F \(bench.sshConfig)", "--mca", "oob_tcp_if_include", "\(ClusterBench.net).0/24",
         "--mca", "btl", "self,vader,tcp",
         "--bind-to", "none", "--mca", "mpi_yield_when_idle", "1"].flatMap { ["--mpirun-arg", $0] }
            + ["--data-network", "\(ClusterBench.dataNet).0/24"]
    }

    func launch(hosts: String, job: String, ssh: [String] = [], extra: [String] = [], _ command: [String]) async throws
        -> (status: Int32?, out: String, err: String) {
        try await server.cli(["launch", "--hosts", hosts, "--job", job, "--server", server.address, "--deploy",
                              "--token-file", server.tokenFile, "--ssh-config", bench.sshConfig,
                              "--connect-timeout", "2", "--remote-dir", remoteDirectory, "--libvigil", Paths.libvigil,
                              "--env", "OMPI_ALLOW_RUN_AS_ROOT=1", "--env", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1"]
                             + ssh + extra + mpirunArguments + ["--"] + command)
    }

    func session(_ host: String) throws -> SSHSession {
        try SSHSession(SSHTarget(host: host, configFile: bench.sshConfig, connectTimeout: .seconds(3)))
    }

    /// Whether a vigil agent answers on `host`.
    func agentRuns(on host: String) throws -> Bool {
        try session(host).run([Paths.vigil, "agent", "ranks", "--json"]).status == 0
    }

    /// Processes on `host` whose command line matches `pattern` (zombies, which only await
    /// reaping, excluded); write it as `[v]igil-train` so that it does not match this check itself.
    func processes(_ pattern: String, on host: String) throws -> [String] {
        let script = #"for p in $(pgrep -f "$1"); do s=$(cut -d' ' -f3 /proc/$p/stat 2>/dev/null); [ "$s" != Z ] && [ -n "$s" ] && echo $p; done; true"#
        let result = try session(host).run(["sh", "-c", script, "vigil-check", pattern])
        return result.stdoutText.split(separator: "\n").map(String.init).filter { $0 != "" }
    }
}

extension TestScope {
    /// A bench of `hosts` hosts (with its Slurm, when asked) and a server on its bridge.
    func launchStage(hosts: Int, slurm: Bool = false, slurmProlog: String? = nil,
                     serverArguments: [String] = []) async throws -> LaunchStage {
        let bench = try cluster(size: hosts, slurm: slurm, slurmProlog: slurmProlog)
        let server = try await server(arguments: serverArguments, listenHost: bench.controllerAddress)
        return LaunchStage(scope: self, bench: bench, server: server)
    }
}
