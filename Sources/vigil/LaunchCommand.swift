import ArgumentParser
import Foundation
import VigilAPIClient
import VigilCore
import VigilSSH

/// How to reach the hosts over ssh; unset options come from the ssh config.
struct SSHOptions: ParsableArguments {
    @Option(help: ArgumentHelp("ssh config to read instead of ~/.ssh/config.", valueName: "path"))
    var sshConfig: String?

    @Option(help: ArgumentHelp("known_hosts file (default: the config's, else ~/.ssh/known_hosts).", valueName: "path"))
    var knownHosts: String?

    @Option(help: ArgumentHelp("Private key to log in with (default: ssh-agent, then the config's and ~/.ssh keys).",
                               valueName: "path"))
    var identity: String?

    @Option(help: "Host keys not in known_hosts: strict refuses them, accept-new records them. A changed key is always refused.")
    var hostKeyPolicy: HostKeyPolicy = .strict

    @OptionGroup var log: LogLevelOption

    @Option(help: ArgumentHelp("Seconds to wait for each ssh connection.", valueName: "seconds"))
    var connectTimeout: Int = 10

    @Option(help: ArgumentHelp("Hosts handled at once.", valueName: "count"))
    var concurrency: Int = 32

    @Option(help: ArgumentHelp("The agents' socket on the hosts (default: theirs).", valueName: "path"))
    var agentSocket: String?

    func validate() throws {
        guard (1...600).contains(connectTimeout) else { throw ValidationError("--connect-timeout must be 1-600") }
        guard (1...1_024).contains(concurrency) else { throw ValidationError("--concurrency must be 1-1024") }
    }

    var target: SSHTarget {
        SSHTarget(host: "", configFile: sshConfig, knownHostsFile: knownHosts, identityFile: identity,
                  hostKeyPolicy: hostKeyPolicy, connectTimeout: .seconds(connectTimeout))
    }
}

extension HostKeyPolicy: ExpressibleByArgument {}

/// `vigil launch --hosts H -- CMD ARGS...`: the server starts the job
/// (docs/launch.md); from here only what must happen on the operator's
/// machine: agents on the hosts over ssh, when the server's backend needs them.
struct LaunchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "launch",
        abstract: "Start a job on many hosts: the server numbers the attempt, starts it (over ssh or through Slurm) and confirms it.",
        discussion: """
            With the ssh backend every host first gets an agent (started over ssh where none runs, streaming to \
            --server); the server then has the first host's agent run mpirun over the hosts with libvigil preloaded. \
            With the Slurm backend the server submits the attempt with sbatch (agents come from the Slurm prolog or a \
            service). A cordoned or drained host is refused. If the launch fails, the agents it started are stopped \
            again and nothing is left running.
            """)

    @Option(help: ArgumentHelp("Hosts: a hosts file (HOST [slots=N] per line) or a list h1,h2:N.", valueName: "file|list"))
    var hosts: String

    @Option(help: "Ranks per host where the host list does not say.") var slots: Int = 1
    @Option(help: "Job id (default: a new one). An existing job gets its next attempt.") var job: String?
    @Flag(help: "Copy vigil and libvigil.so to --remote-dir on every host first.") var deploy = false

    @Option(help: "Start agents on the hosts over ssh first: auto (when the server's backend is ssh), ssh, or none.")
    var agents: AgentStart = .auto

    @Option(help: ArgumentHelp("The server's ingest address as the hosts reach it (default: $VIGIL_SERVER).",
                               valueName: "host:port"))
    var server: String?

    @OptionGroup var token: TokenOption
    @OptionGroup var ssh: SSHOptions
    @OptionGroup var api: APIOption

    @Option(help: ArgumentHelp("Directory on the hosts for tokens, logs, spools and deployed binaries.", valueName: "path"))
    var remoteDir: String = "/var/tmp/vigil"

    @Option(help: ArgumentHelp("vigil on the hosts (default: --remote-dir/vigil with --deploy, else this binary's path).",
                               valueName: "path"))
    var remoteVigil: String?

    @Option(help: ArgumentHelp("libvigil.so here (copied with --deploy; else the same path must exist on the hosts).",
                               valueName: "path"))
    var libvigil: String?

    @Option(name: .customLong("env"), help: ArgumentHelp("Environment for mpirun and every rank.", valueName: "NAME=VALUE"))
    var environment: [String] = []

    @Option(name: .customLong("mpirun-arg"), parsing: .unconditionalSingleValue, help: ArgumentHelp("An argument for mpirun, before the command (repeatable).",
                                                                 valueName: "arg"))
    var mpirunArguments: [String] = []

    @Option(help: ArgumentHelp("The hosts' data network, apart from the one ssh and the server use: MPI's TCP traffic (btl_tcp_if_include) and the link probes run on it.",
                               valueName: "cidr"))
    var dataNetwork: String?

    @Option(help: ArgumentHelp("Recovery may restart the job on this few hosts when no spare is left (default: never on fewer).",
                               valueName: "count"))
    var minNodes: Int?

    @Option(help: ArgumentHelp("Seconds to wait for every rank to register with its agent.", valueName: "seconds"))
    var startTimeout: Int = 120

    @Argument(parsing: .postTerminator, help: "The command each rank runs, after --.")
    var command: [String] = []

    enum AgentStart: String, ExpressibleByArgument, CaseIterable {
        case auto, ssh, none
    }

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("give the job's command after --") }
        guard (1...4_096).contains(slots) else { throw ValidationError("--slots must be 1-4096") }
        guard (1...3_600).contains(startTimeout) else { throw ValidationError("--start-timeout must be 1-3600") }
        if let job, !SafeName.isValid(job) { throw ValidationError("--job must be \(SafeName.rule)") }
        if let dataNetwork, IPv4Network(dataNetwork) == nil {
            throw ValidationError("--data-network must be an IPv4 network like 10.78.0.0/24")
        }
    }

    func run() async throws {
        ssh.log.bootstrap()
        let localLibvigil = libvigil ?? Self.defaultLibvigil
        let spec = RunSpec(job: job ?? Self.newJobID(), hosts: try parseHosts(), command: command,
                           environment: try parseEnvironment(),
                           mpirunArguments: mpirunArguments + (dataNetwork.map { ["--mca", "btl_tcp_if_include", $0] } ?? []),
                           libvigil: deploy ? remoteDir + "/libvigil.so" : localLibvigil, minNodes: minNodes)
        do {
            try spec.validate()
        } catch {
            throw ValidationError(error.description)
        }
        let secret = try token.load()
        let agentsStarted = try await startAgents(spec, localLibvigil: localLibvigil)
        let outcome: LaunchOutcome
        do {
            // The server answers once the ranks registered: its wait, and then some.
            let client = APIClient(address: api.address, timeout: .seconds(startTimeout + 60))
            outcome = try await client.launch(spec, startTimeout: startTimeout, token: secret).0
        } catch {
            await agentsStarted?.rollBack { line in print(line) }
            throw error
        }
        try report(outcome)
    }

    private func report(_ outcome: LaunchOutcome) throws {
        let slurm = outcome.run?.slurmJob.map { ", Slurm job \($0)" } ?? ""
        let title = "job \(outcome.job) attempt \(outcome.attempt) on \(outcome.hosts.count) hosts (\(outcome.ranks) ranks\(slurm))"
        switch outcome.verdict {
        case .running:
            print("\(title): running, every rank registered (\(outcome.backend))")
            print("follow it with: vigil runs --job \(outcome.job); vigil logs \(outcome.job); stop it with: vigil stop \(outcome.job)")
        case .ended where outcome.run?.exitStatus == 0:
            print("\(title): ended at once, exit status 0")
            print(outcome.run?.stdoutTail ?? "", terminator: "")
        case .ended:
            let run = outcome.run.map { Self.failure(title, $0) } ?? "\(title) failed\n"
            FileHandle.standardError.write(Data(run.utf8))
            throw ExitCode(1)
        case .waiting:
            FileHandle.standardError.write(Data("""
                \(title): only \(outcome.registered) of \(outcome.ranks) ranks registered within \(startTimeout) s; \
                it is left running (vigil logs \(outcome.job); vigil stop \(outcome.job))

                """.utf8))
            throw ExitCode(1)
        }
    }

    /// Agents over ssh where the backend needs them (the ssh backend); the
    /// launcher that started them, to roll back should the launch fail.
    private func startAgents(_ spec: RunSpec, localLibvigil: String) async throws -> AgentsStarted? {
        switch agents {
        case .none: return nil
        case .auto: guard try await api.client.backend() == "ssh" else { return nil }
        case .ssh: break
        }
        let serverAddress = try server ?? ProcessInfo.processInfo.environment["VIGIL_SERVER"]
            ?? { throw ValidationError("give --server HOST:PORT (the ingest address the hosts reach)") }()
        _ = try HostPort.parse(serverAddress)
        let tokenFile = try token.tokenFile ?? { throw ValidationError("give --token-file: it is copied to the hosts") }()
        let plan = ClusterLauncher.Plan(
            spec: spec, ssh: ssh.target, remoteVigil: remoteVigil ?? (deploy ? remoteDir + "/vigil" : Self.thisBinary),
            remoteDirectory: remoteDir, deploy: deploy ? (Self.thisBinary, localLibvigil) : nil, server: serverAddress,
            tokenFile: tokenFile, agentSocket: ssh.agentSocket, dataNetwork: dataNetwork.flatMap(IPv4Network.init),
            concurrency: ssh.concurrency)
        let launcher = ClusterLauncher(plan: plan)
        let outcomes = try await launcher.ensureAgents { line in print(line) }
        return AgentsStarted(launcher: launcher, outcomes: outcomes)
    }

    /// The agents this launch found or started, and how to stop those it started.
    struct AgentsStarted {
        let launcher: ClusterLauncher
        let outcomes: [(host: String, agent: ClusterLauncher.AgentOutcome)]

        func rollBack(progress: @escaping @Sendable (String) -> Void) async {
            await launcher.rollBack(outcomes.map { ($0.host, $0.agent) }, progress: progress)
        }
    }

    /// How mpirun ended and the last of what it printed.
    static func failure(_ title: String, _ run: JobRun) -> String {
        var text = "\(title) failed: mpirun ended with \(run.endDescription)\n"
        for (name, tail) in [("stdout", run.stdoutTail), ("stderr", run.stderrTail)] where !tail.isEmpty {
            let lines = tail.split(separator: "\n").suffix(20).joined(separator: "\n")
            text += "--- last of its \(name) ---\n\(lines)\n"
        }
        return text
    }

    private func parseHosts() throws -> [HostSlots] {
        do {
            if FileManager.default.fileExists(atPath: hosts) {
                return try HostList.parse(file: try String(contentsOfFile: hosts, encoding: .utf8), defaultSlots: slots)
            }
            return try HostList.parse(list: hosts, defaultSlots: slots)
        } catch let error as HostListError {
            throw ValidationError("--hosts: \(error)")
        }
    }

    private func parseEnvironment() throws -> [String: String] {
        var environment: [String: String] = [:]
        for pair in self.environment {
            guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex else {
                throw ValidationError("--env takes NAME=VALUE, got '\(pair.prefix(64))'")
            }
            environment[String(pair[..<eq])] = String(pair[pair.index(after: eq)...])
        }
        return environment
    }

    static func newJobID() -> String {
        "job-\(Int(Date().timeIntervalSince1970))-\(String(UInt16.random(in: 0...UInt16.max), radix: 16))"
    }

    static var thisBinary: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// Built next to the agents ($VIGIL_AGENTS_DIR), else installed beside vigil.
    static var defaultLibvigil: String {
        if let directory = ProcessInfo.processInfo.environment["VIGIL_AGENTS_DIR"], !directory.isEmpty {
            return directory + "/libvigil.so"
        }
        return URL(fileURLWithPath: thisBinary).deletingLastPathComponent().appendingPathComponent("libvigil.so").path
    }
}

/// `vigil stop JOB`
struct StopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Stop a job's latest attempt everywhere, through the server: confirmed gone, recorded as stopped.")

    @Argument(help: "The job id.") var job: String
    @Option(help: "Seconds between SIGTERM and SIGKILL (ssh backend; under Slurm its KillWait).") var grace: Int = 10
    @OptionGroup var token: TokenOption
    @OptionGroup var api: APIOption

    func validate() throws {
        guard SafeName.isValid(job) else { throw ValidationError("JOB must be \(SafeName.rule)") }
        guard (0...3_600).contains(grace) else { throw ValidationError("--grace must be 0-3600 seconds") }
    }

    func run() async throws {
        let client = APIClient(address: api.address, timeout: .seconds(grace + 90))
        let (run, data) = try await client.stop(job: job, grace: grace, token: try token.load())
        if api.json {
            print(String(decoding: data, as: UTF8.self))
            return
        }
        let slurm = run.slurmJob.map { " (Slurm job \($0))" } ?? ""
        print("job \(job) attempt \(run.attempt)\(slurm): \(run.state.rawValue) on all \(run.hosts.count) hosts")
    }
}
