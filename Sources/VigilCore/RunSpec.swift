/// What `vigil launch` asks the first host's agent to start: a job's
/// command under mpirun over the hosts, with libvigil preloaded and the
/// job's environment. Arrives as JSON on the agent's socket, so every
/// field is checked before anything runs.
public struct RunSpec: Sendable, Equatable, Codable {
    public var job: String
    public var attempt: Int
    public var hosts: [HostSlots]
    public var command: [String]
    /// Set for mpirun and exported to every rank (`-x NAME`).
    public var environment: [String: String]
    /// Passed to mpirun before the command (transport and launcher settings).
    public var mpirunArguments: [String]
    /// libvigil on the hosts; nil runs the job untraced.
    public var libvigil: String?
    public var mpirun: String
    /// Recovery may restart it on this few nodes when no spare is left; nil: never on fewer.
    public var minNodes: Int?

    public init(job: String, attempt: Int = 1, hosts: [HostSlots], command: [String], environment: [String: String] = [:],
                mpirunArguments: [String] = [], libvigil: String?, mpirun: String = "mpirun", minNodes: Int? = nil) {
        self.minNodes = minNodes
        self.job = job
        self.attempt = attempt
        self.hosts = hosts
        self.command = command
        self.environment = environment
        self.mpirunArguments = mpirunArguments
        self.libvigil = libvigil
        self.mpirun = mpirun
    }

    public var ranks: Int { hosts.reduce(0) { $0 + $1.slots } }

    public func validate() throws(RunSpecError) {
        guard SafeName.isValid(job) else { throw .invalid("job must be \(SafeName.rule)") }
        guard (1...1_000_000).contains(attempt) else { throw .invalid("attempt must be 1-1000000") }
        guard !hosts.isEmpty, hosts.allSatisfy({ HostList.isValidHost($0.host) && (1...4_096).contains($0.slots) }) else {
            throw .invalid("hosts must be 1 or more of \(HostList.hostRule), each with 1-4096 slots")
        }
        guard !command.isEmpty, !command[0].isEmpty else { throw .invalid("the command is empty") }
        if let minNodes, !(1...hosts.count).contains(minNodes) { throw .invalid("min nodes must be 1 to the number of hosts") }
        let strings = command + mpirunArguments + Array(environment.values) + [libvigil ?? "", mpirun]
        guard strings.allSatisfy({ !$0.utf8.contains(0) && $0.utf8.count <= 4_096 }) else {
            throw .invalid("arguments must be at most 4096 bytes, without NUL")
        }
        if let bad = environment.keys.first(where: { !Self.isEnvironmentName($0) }) {
            throw .invalid("'\(bad.prefix(64))' is not an environment variable name")
        }
    }

    /// The mpirun command line (argv, never a shell string). The job's
    /// environment is exported by name only: its values (tokens, perhaps)
    /// live in mpirun's environment, not in an argument list `ps` shows.
    public var mpirunArgv: [String] {
        mpirunArgv(placing: ["--host", hosts.map { "\($0.host):\($0.slots)" }.joined(separator: ",")])
    }

    /// The same, every rank's host named in rank order for Open MPI's
    /// sequential mapper: inside an allocation (Slurm) mpirun would otherwise
    /// place ranks in the allocation's order, not the hosts' order.
    public var mpirunArgvInHostOrder: [String] {
        mpirunArgv(placing: ["--mca", "rmaps", "seq", "--host",
                             hosts.flatMap { Array(repeating: $0.host, count: $0.slots) }.joined(separator: ",")])
    }

    private func mpirunArgv(placing: [String]) -> [String] {
        var argv = [mpirun] + placing + ["-np", "\(ranks)"]
        argv += ["-x", "VIGIL_JOB_ID=\(job)", "-x", "VIGIL_ATTEMPT=\(attempt)"] + (libvigil.map { ["-x", "LD_PRELOAD=\($0)"] } ?? [])
        for name in environment.keys.sorted() { argv += ["-x", name] }
        return argv + mpirunArguments + command
    }

    static func isEnvironmentName(_ name: String) -> Bool {
        guard let first = name.utf8.first, first == 0x5F || (first | 0x20) >= 0x61 && (first | 0x20) <= 0x7A else { return false }
        return name.utf8.count <= 128 && name.utf8.allSatisfy { c in
            c == 0x5F || (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A)
        }
    }
}

public enum RunSpecError: Error, Equatable, CustomStringConvertible {
    case invalid(String)
    public var description: String {
        switch self {
        case .invalid(let why): "invalid run: \(why)"
        }
    }
}
