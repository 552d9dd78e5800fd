import Foundation

extension ClusterLauncher {
    /// Stop `job` on every host: each agent sends SIGTERM to what of the
    /// job runs there (mpirun's session, the local ranks), SIGKILL after
    /// `grace`, and answers once none of it runs. One answer per host.
    public static func stop(job: String, hosts: [String], grace: Duration, ssh: SSHTarget, remoteVigil: String,
                            agentSocket: String?, concurrency: Int = 32) async -> [(host: String, result: Result<String, any Error>)] {
        let seconds = Double(grace.components.seconds) + Double(grace.components.attoseconds) / 1e18
        let socket = agentSocket.map { ["--socket", $0] } ?? []
        return await SSHFanOut.run(hosts, limit: concurrency) { host in
            var target = ssh
            target.host = host
            let session = try SSHSession(target)
            let result = try session.run([remoteVigil, "agent", "stop-job", "--job", job, "--grace", "\(seconds)"] + socket,
                                         timeout: grace + .seconds(30))
            guard result.status == 0, result.stdoutText.hasPrefix("STOPPED ") else {
                throw LaunchError.agent(host: host, reason: "stop failed: \(result.stderrText)\(result.stdoutText)")
            }
            return result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }
}
