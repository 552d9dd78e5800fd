import Foundation
import VigilCore

/// What `vigil launch` does from the operator's machine, over ssh, before
/// it asks the server to start the job: makes sure an agent runs on every
/// host (starting one where none does, after copying the binaries when
/// asked). The agents it started are stopped again when a host fails, or
/// when the caller's launch does (`rollBack`).
public struct ClusterLauncher: Sendable {
    public struct Plan: Sendable {
        public var spec: RunSpec
        /// How to reach a host: `host` is replaced per host.
        public var ssh: SSHTarget
        /// The vigil binary on the hosts (where --deploy puts it, or already there).
        public var remoteVigil: String
        /// Where tokens, logs, spools and deployed binaries live on the hosts.
        public var remoteDirectory: String
        /// Local files to copy first: vigil and libvigil.so.
        public var deploy: (vigil: String, libvigil: String)?
        /// The server's ingest address as the hosts see it.
        public var server: String
        public var tokenFile: String
        /// The agents' socket on the hosts; nil: their default.
        public var agentSocket: String?
        /// The data network agents are probed on (their --data-network); nil: none apart.
        public var dataNetwork: IPv4Network?
        public var concurrency: Int
        public var commandTimeout: Duration

        public init(spec: RunSpec, ssh: SSHTarget, remoteVigil: String, remoteDirectory: String,
                    deploy: (vigil: String, libvigil: String)?, server: String, tokenFile: String,
                    agentSocket: String?, dataNetwork: IPv4Network? = nil, concurrency: Int = 32,
                    commandTimeout: Duration = .seconds(60)) {
            self.spec = spec
            self.ssh = ssh
            self.remoteVigil = remoteVigil
            self.remoteDirectory = remoteDirectory
            self.deploy = deploy
            self.server = server
            self.tokenFile = tokenFile
            self.agentSocket = agentSocket
            self.dataNetwork = dataNetwork
            self.concurrency = concurrency
            self.commandTimeout = commandTimeout
        }

        var socketArguments: [String] { agentSocket.map { ["--socket", $0] } ?? [] }

        func target(_ host: String) -> SSHTarget {
            var target = ssh
            target.host = host
            return target
        }
    }

    /// What each host had before the launch.
    public enum AgentOutcome: Sendable, Equatable {
        case alreadyRunning
        case started(pid: Int32)
    }

    public let plan: Plan

    public init(plan: Plan) {
        self.plan = plan
    }

    /// An agent on every host of the plan (binaries copied first when asked):
    /// what each host had. When any host fails, the agents this call
    /// started are stopped again.
    public func ensureAgents(progress: @escaping @Sendable (String) -> Void) async throws(LaunchError)
        -> [(host: String, agent: AgentOutcome)] {
        let plan = self.plan
        let prepared = await SSHFanOut.run(plan.spec.hosts.map(\.host), limit: plan.concurrency) { host in
            let outcome = try Self.prepare(host, plan)
            progress("\(host): agent \(outcome == .alreadyRunning ? "already running" : "started")")
            return outcome
        }
        let started = prepared.compactMap { entry -> (host: String, agent: AgentOutcome)? in
            (try? entry.result.get()).map { (entry.host, $0) }
        }
        let failures = prepared.compactMap { entry -> (String, String)? in
            if case .failure(let error) = entry.result { return (entry.host, "\(error)") }
            return nil
        }
        guard failures.isEmpty else {
            await rollBack(started.map { ($0.host, $0.agent) }, progress: progress)
            throw .hostsFailed(failures)
        }
        return started
    }

    /// Copy what is asked, make sure the agent runs; what it found or did.
    static func prepare(_ host: String, _ plan: Plan) throws -> AgentOutcome {
        let session = try SSHSession(plan.target(host))
        let directory = plan.remoteDirectory
        // Ours alone: binaries run from here and logs are written here, so a
        // directory someone else made (or a symlink) is refused.
        let ownDirectory = #"mkdir -p -m 700 "$1" && [ ! -L "$1" ] && [ -O "$1" ] && chmod 700 "$1""#
        try check(session.run(["sh", "-c", ownDirectory, "vigil-remote-dir", directory], timeout: plan.commandTimeout), host,
                  "\(directory) must be a directory of our own (not a symlink, not another user's)")
        if let deploy = plan.deploy {
            try session.upload(deploy.vigil, to: plan.remoteVigil, mode: 0o755)
            try session.upload(deploy.libvigil, to: directory + "/libvigil.so", mode: 0o644)
        }
        try session.upload(plan.tokenFile, to: directory + "/token", mode: 0o600)
        if try session.run([plan.remoteVigil, "agent", "ranks", "--json"] + plan.socketArguments,
                           timeout: plan.commandTimeout).status == 0 {
            return .alreadyRunning
        }
        let pid = try startAgent(session, host, plan)
        do {
            try waitForAgent(session, plan, pid: pid, log: agentLog(host, plan))
        } catch {
            _ = try? session.run(["kill", "\(pid)"], timeout: plan.commandTimeout)  // nothing of ours left behind
            throw error
        }
        return .started(pid: pid)
    }

    /// `vigil agent run` in a session of its own, surviving the ssh
    /// connection. The script is constant; every value travels as an
    /// argument of its own.
    private static func startAgent(_ session: SSHSession, _ host: String, _ plan: Plan) throws -> Int32 {
        let directory = plan.remoteDirectory
        let name = SafeName.isValid(host) ? host : nil
        let suffix = Self.fileName(host)
        // Per-host names: hosts may share a file system (the namespace bench does).
        var agent = [plan.remoteVigil, "agent", "run", "--server", plan.server, "--token-file", directory + "/token",
                     "--spool", "\(directory)/spool-\(suffix)", "--run-dir", "\(directory)/runs-\(suffix)"]
        agent += name.map { ["--node", $0] } ?? []
        agent += plan.socketArguments
        agent += plan.dataNetwork.map { ["--data-network", $0.description] } ?? []
        let script = #"log=$1; shift; setsid "$@" >>"$log" 2>&1 </dev/null & echo $!"#
        let result = try session.run(["sh", "-c", script, "vigil-start-agent", agentLog(host, plan)] + agent,
                                     timeout: plan.commandTimeout)
        guard result.status == 0, let pid = Int32(result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw LaunchError.agent(host: host, reason: "could not start: \(result.stderrText)")
        }
        return pid
    }

    /// Until the new agent answers on its socket, or it died.
    private static func agentLog(_ host: String, _ plan: Plan) -> String {
        "\(plan.remoteDirectory)/agent-\(fileName(host)).log"
    }

    /// A host as part of a file name: IPv6 colons become dashes.
    static func fileName(_ host: String) -> String { host.replacing(":", with: "-") }

    private static func waitForAgent(_ session: SSHSession, _ plan: Plan, pid: Int32, log: String) throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if try session.run([plan.remoteVigil, "agent", "ranks", "--json"] + plan.socketArguments,
                               timeout: plan.commandTimeout).status == 0 { return }
            guard try session.run(["kill", "-0", "\(pid)"], timeout: plan.commandTimeout).status == 0 else {
                let tail = try? session.run(["tail", "-5", log], timeout: plan.commandTimeout)
                throw LaunchError.agent(host: session.target.host, reason: "exited at start: \(tail?.stdoutText ?? "")")
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw LaunchError.agent(host: session.target.host, reason: "did not answer on its socket within 20 s")
    }

    /// Stop the agents this launch started (and only those).
    public func rollBack(_ outcomes: [(String, AgentOutcome)], progress: @escaping @Sendable (String) -> Void) async {
        let mine = outcomes.compactMap { host, outcome -> (String, Int32)? in
            if case .started(let pid) = outcome { return (host, pid) }
            return nil
        }
        let plan = self.plan
        let pids = Dictionary(uniqueKeysWithValues: mine)
        let results = await SSHFanOut.run(mine.map(\.0), limit: plan.concurrency) { host in
            let session = try SSHSession(plan.target(host))
            let script = #"kill "$1" 2>/dev/null; for i in $(seq 100); do kill -0 "$1" 2>/dev/null || exit 0; sleep 0.1; done; kill -9 "$1""#
            _ = try session.run(["sh", "-c", script, "vigil-stop-agent", "\(pids[host]!)"], timeout: plan.commandTimeout)
        }
        for (host, result) in results {
            progress("\(host): rolled back the agent this launch started\((try? result.get()) == nil ? " FAILED" : "")")
        }
    }

    private static func check(_ result: SSHCommandResult, _ host: String, _ what: String) throws {
        guard result.status == 0 else { throw LaunchError.agent(host: host, reason: "\(what): \(result.stderrText)") }
    }
}

public enum LaunchError: Error, CustomStringConvertible {
    case hostsFailed([(host: String, reason: String)])
    case agent(host: String, reason: String)

    public var description: String {
        switch self {
        case .hostsFailed(let failures):
            "launch refused, nothing left running:\n" + failures.map { "  \($0.host): \($0.reason)" }.joined(separator: "\n")
        case .agent(let host, let reason): "\(host): agent \(reason)"
        }
    }
}
