import CVigilRing
import Logging
import ServiceLifecycle
import VigilMetrics
#if canImport(Glibc)
import Glibc
#endif

/// The node agent: its services, grouped, stopping gracefully on SIGTERM
/// or SIGINT. Rings of running ranks are left in place for the next agent.
public struct Agent {
    public let configuration: AgentConfiguration
    /// Where to stream telemetry; nil: local only.
    public let uplink: UplinkConfiguration?
    public let logger: Logger

    /// Where Prometheus scrapes `/metrics`, with the exporter to answer from; nil: no endpoint.
    public let metrics: (host: String, port: Int, exporter: MetricsExporter)?

    public init(configuration: AgentConfiguration, uplink: UplinkConfiguration? = nil,
                metrics: (host: String, port: Int, exporter: MetricsExporter)? = nil, logger: Logger) {
        self.configuration = configuration
        self.uplink = uplink
        self.metrics = metrics
        self.logger = logger
    }

    public func run() async throws {
        signal(SIGPIPE, SIG_IGN)   // a peer gone mid-send (a buddy copy) is an error on that socket, not the agent's end
        try prepareDirectories()
        let table = RankTable(configuration: configuration, logger: logger)
        let runner = JobRunner(node: uplink?.node ?? configuration.node, logDirectory: configuration.runDirectory,
                               table: table, logger: logger)
        let checkpoints = CheckpointKeeper(localRoot: configuration.checkpointLocal, buddyRoot: configuration.checkpointBuddy,
                                           sharedRoot: configuration.checkpointShared,
                                           node: uplink?.node ?? configuration.node, logger: logger)
        var services: [any Service] = [
            DrainService(table: table),
            RegistrationService(configuration: configuration, table: table, runner: runner, checkpoints: checkpoints,
                                logger: logger),
        ]
        if !configuration.ncclInspectorDirectories.isEmpty {
            services.append(InspectorFollower(directories: configuration.ncclInspectorDirectories, table: table, logger: logger))
        }
        var uplinkService: UplinkService?
        if var uplink {
            if let buddies = buddyReceiver(port: uplink.buddyPort, checkpoints: checkpoints) {
                services.append(buddies)
                uplink.buddyPort = buddies.port   // announced in the hello: the server tells the buddy's peers
            } else {
                uplink.buddyPort = nil
            }
            let service = try UplinkService(configuration: uplink, table: table, runner: runner, checkpoints: checkpoints,
                                            logger: logger)
            uplinkService = service
            services.append(service)
            if let port = uplink.probePort { services.append(ProbeResponder(port: port, logger: logger)) }
        }
        if let metrics {
            let outbox = uplinkService
            services.append(MetricsEndpoint(host: metrics.host, port: metrics.port, exporter: metrics.exporter, logger: logger) {
                AgentMetrics.samples(table.report(), outboxBatches: outbox?.pendingBatches)
            })
        }
        let group = ServiceGroup(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        try await group.run()
        unlink(configuration.socketPath)  // only after a clean stop: ranks then fail fast
    }

    /// Where buddies' shards come in, bound now; a port already taken costs
    /// the buddy copies, not the agent (logged).
    private func buddyReceiver(port: Int?, checkpoints: CheckpointKeeper) -> BuddyReceiver? {
        guard let root = configuration.checkpointBuddy, let port else { return nil }
        guard let listening = BuddyReceiver.listen(port: port) else {
            logger.error("cannot take buddy shards", metadata: ["port": "\(port)", "reason": "\(String(cString: strerror(errno)))"])
            return nil
        }
        return BuddyReceiver(listener: listening.fd, port: listening.port, root: root, checkpoints: checkpoints, logger: logger)
    }

    private func prepareDirectories() throws {
        let socketDirectory = String(configuration.socketPath.prefix(upTo:
            configuration.socketPath.lastIndex(of: "/") ?? configuration.socketPath.startIndex))
        for directory in [configuration.ringDirectory, socketDirectory] where !directory.isEmpty {
            guard mkdir(directory, 0o755) == 0 || errno == EEXIST else {
                throw RingFileError.system("create directory \(directory)", errno)
            }
        }
        if isAnotherAgentListening() {
            throw AgentStartError.alreadyRunning(configuration.socketPath)
        }
        if vigil_ring_directory_is_tmpfs(configuration.ringDirectory) == 0 {
            logger.warning("ring directory is not on tmpfs: ranks may stall when the kernel writes ring pages back to disk",
                           metadata: ["rings": "\(configuration.ringDirectory)"])
        }
    }

    /// Binding would silently steal a live agent's socket; refuse instead.
    private func isAnotherAgentListening() -> Bool {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let path = Array(configuration.socketPath.utf8)
        guard path.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path)
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
            }
        }
    }
}

public enum AgentStartError: Error, CustomStringConvertible {
    case alreadyRunning(String)
    public var description: String {
        switch self {
        case .alreadyRunning(let path): "another agent is already listening on \(path)"
        }
    }
}
