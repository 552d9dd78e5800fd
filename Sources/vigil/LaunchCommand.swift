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

/// `vigil launch --hosts H -- CMD ARGS...`
struct LaunchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "launch",
        abstract: "Start a job on many hosts over ssh: an agent on each, then mpirun from the first.",
        discussion: """
            Every host gets an agent (started over ssh where none runs, streaming to --server); the first host's \
            agent then runs mpirun over the hosts with libvigil preloaded, keeping its output. A cordoned host is \
            refused. If any host fails, the agents this launch started are stopped again and nothing is left running.
            """)

    @Option(help: ArgumentHelp("Hosts: a hosts file (HOST [slots=N] per line) or a list h1,h2:N.", valueName: "file|list"))
    var hosts: String

    @Option(help: "Ranks per host where the host list does not say.") var slots: Int = 1
    @Option(help: "Job id (default: a new one). An existing job gets its next attempt.") var job: String?
    @Flag(help: "Copy vigil and libvigil.so to --remote-dir on every host first.") var deploy = false

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
        let hostList = try parseHosts()
        let serverAddress = try server ?? ProcessInfo.processInfo.environment["VIGIL_SERVER"]
            ?? { throw ValidationError("give --server HOST:PORT (the ingest address the hosts reach)") }()
        _ = try HostPort.parse(serverAddress)
        let tokenFile = try token.tokenFile ?? { throw ValidationError("give --token-file: it is copied to the hosts") }()
        try await refuseCordoned(hostList)
        let (jobID, attempt) = try await nextAttempt()
        let localLibvigil = libvigil ?? Self.defaultLibvigil
        let spec = RunSpec(job: jobID, attempt: attempt, hosts: hostList, command: command,
                           environment: try parseEnvironment(),
                           mpirunArguments: mpirunArguments + (dataNetwork.map { ["--mca", "btl_tcp_if_include", $0] } ?? []),
                           libvigil: deploy ? remoteDir + "/libvigil.so" : localLibvigil, minNodes: minNodes)
        do {
            try spec.validate()
        } catch {
            throw ValidationError(error.description)
        }
        let plan = ClusterLauncher.Plan(
            spec: spec, ssh: ssh.target, remoteVigil: remoteVigil ?? (deploy ? remoteDir + "/vigil" : Self.thisBinary),
            remoteDirectory: remoteDir, deploy: deploy ? (Self.thisBinary, localLibvigil) : nil, server: serverAddress,
            tokenFile: tokenFile, agentSocket: ssh.agentSocket, dataNetwork: dataNetwork.flatMap(IPv4Network.init),
            concurrency: ssh.concurrency)
        let outcome = try await ClusterLauncher(plan: plan).launch { line in print(line) }
        let title = "job \(jobID) attempt \(attempt) on \(hostList.count) hosts (\(spec.ranks) ranks)"
        switch try await awaitStart(spec) {
        case .running:
            print("\(title): \(outcome.started)")
            print("follow it with: vigil runs --job \(jobID); vigil logs \(jobID); stop it with: vigil stop \(jobID)")
        case .ended(let run) where run.exitStatus == 0:
            print("\(title): ended at once, exit status 0")
            print(run.stdoutTail, terminator: "")
        case .ended(let run):
            FileHandle.standardError.write(Data(Self.failure(title, run).utf8))
            throw ExitCode(1)
        case .waiting(let registered):
            FileHandle.standardError.write(Data("""
                \(title): only \(registered) of \(spec.ranks) ranks registered within \(startTimeout) s; \
                it is left running (vigil logs \(jobID); vigil stop \(jobID))

                """.utf8))
            throw ExitCode(1)
        }
    }

    /// Until every rank of the attempt registered, mpirun ended, or --start-timeout passed.
    private func awaitStart(_ spec: RunSpec) async throws -> StartVerdict {
        let deadline = ContinuousClock.now + .seconds(startTimeout)
        var cursor: UInt64 = 0
        var registered = Set<Int>()
        var run: JobRun?
        while true {
            do {  // the server briefly away is no verdict: asked again until the deadline
                let page = try await api.client.ranks(job: spec.job, since: cursor)
                cursor = page.cursor
                // The job filtered here too: a server from before ?job= answers with every job's ranks.
                registered.formUnion(page.items.map(\.snapshot.identity)
                    .filter { $0.job == spec.job && $0.attempt == spec.attempt }.map(\.rank))
                run = try await api.client.runs(job: spec.job).first { $0.attempt == spec.attempt }
            } catch where ContinuousClock.now < deadline {
                FileHandle.standardError.write(Data("warning: asking the server how the job starts: \(error)\n".utf8))
            }
            let verdict = StartVerdict(run: run, registered: registered.count, expected: spec.ranks)
            guard case .waiting = verdict, ContinuousClock.now < deadline else { return verdict }
            try await Task.sleep(for: .milliseconds(500))
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

    /// A cordoned node is never chosen: refuse before touching any host.
    private func refuseCordoned(_ hosts: [HostSlots]) async throws {
        let (page, _) = try await api.fetch("/v1/nodes", as: Page<NodeSummary>.self)
        let cordoned = Set(page.items.filter(\.cordoned).map(\.name))
        let refused = hosts.map(\.host).filter(cordoned.contains)
        guard refused.isEmpty else {
            throw ValidationError("cordoned, not launching there: \(refused.joined(separator: ", ")) (vigil uncordon NODE)")
        }
    }

    private func nextAttempt() async throws -> (String, Int) {
        guard let job else {
            let stamp = Int(Date().timeIntervalSince1970)
            return ("job-\(stamp)-\(String(UInt16.random(in: 0...UInt16.max), radix: 16))", 1)
        }
        let (runs, _) = try await api.fetch("/v1/runs?job=\(job)", as: [JobRun].self)
        if let running = runs.first(where: { $0.state == .running }) {
            throw ValidationError("job \(job) attempt \(running.attempt) is still running (vigil stop \(job))")
        }
        return (job, (runs.map(\.attempt).max() ?? 0) + 1)
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
        abstract: "Stop a job on every host of its latest attempt: SIGTERM, SIGKILL after the grace period, confirmed per host.")

    @Argument(help: "The job id.") var job: String
    @Option(help: "Seconds between SIGTERM and SIGKILL.") var grace: Double = 10
    @Option(help: ArgumentHelp("vigil on the hosts (default: this binary's path).", valueName: "path"))
    var remoteVigil: String?
    @OptionGroup var ssh: SSHOptions
    @OptionGroup var api: APIOption

    func validate() throws {
        guard SafeName.isValid(job) else { throw ValidationError("JOB must be \(SafeName.rule)") }
        guard (0...3_600).contains(grace) else { throw ValidationError("--grace must be 0-3600 seconds") }
    }

    func run() async throws {
        ssh.log.bootstrap()
        let (runs, _) = try await api.fetch("/v1/runs?job=\(job)", as: [JobRun].self)
        guard let run = runs.max(by: { $0.attempt < $1.attempt }) else {
            throw ValidationError("no run of job \(job) is known to the server")
        }
        let results = await ClusterLauncher.stop(
            job: job, hosts: run.hosts.map(\.host), grace: .milliseconds(Int(grace * 1_000)), ssh: ssh.target,
            remoteVigil: remoteVigil ?? LaunchCommand.thisBinary, agentSocket: ssh.agentSocket, concurrency: ssh.concurrency)
        var failed = 0
        for (host, result) in results {
            switch result {
            case .success(let answer): print("\(host): \(answer)")
            case .failure(let error):
                print("\(host): \(error)")
                failed += 1
            }
        }
        guard failed == 0 else { throw ExitCode(1) }
        print("job \(job) attempt \(run.attempt): stopped on all \(results.count) hosts")
        try await awaitRecord(attempt: run.attempt)
    }

    /// The agent reports the end with its next heartbeat: wait for the
    /// server to have it, so that a launch right after sees the job stopped.
    private func awaitRecord(attempt: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            let (runs, _) = try await api.fetch("/v1/runs?job=\(job)", as: [JobRun].self)
            if let run = runs.first(where: { $0.attempt == attempt }), run.state != .running { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        print("warning: the server has not yet recorded the end of attempt \(attempt) (is the first host's agent streaming?)")
    }
}
