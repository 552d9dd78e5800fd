import Logging
import ServiceLifecycle
import VigilAlerts
import VigilCore
import VigilDetector
import VigilMetrics
import VigilRecovery
import VigilSlurm

/// The central server: its services, grouped, stopping gracefully on
/// SIGTERM or SIGINT. The store is opened by the caller and reached only
/// through its protocols, so the server does not depend on which one it is.
public struct Server {
    /// Where the read API (HTTP/JSON) listens; `portFile` gets the port bound (for port 0).
    public struct API: Sendable {
        public var host: String
        public var port: Int
        public var portFile: String?

        public init(host: String, port: Int, portFile: String? = nil) {
            self.host = host
            self.port = port
            self.portFile = portFile
        }
    }

    /// How attempts are started and stopped: over ssh through the agents, or as Slurm jobs.
    public enum Backend: Sendable {
        case ssh
        case slurm(SlurmSettings)
    }

    public struct SlurmSettings: Sendable {
        /// slurm.conf (SLURM_CONF); nil: the commands' default.
        public var configFile: String?
        public var partition: String?
        /// Where attempts' batch output goes, on the Slurm nodes.
        public var outputDirectory: String
        /// Where the server keeps its batch script.
        public var workDirectory: String

        public init(configFile: String?, partition: String?, outputDirectory: String, workDirectory: String) {
            self.configFile = configFile
            self.partition = partition
            self.outputDirectory = outputDirectory
            self.workDirectory = workDirectory
        }
    }

    public var configuration: ServerConfiguration
    public var backend: Backend
    public var api: API
    public var store: any TelemetryStore & RecoveryStore
    public var retention: RetentionService.Policy
    public var detector: DetectorConfiguration
    public var probes: LinkProbeScheduler.Settings
    public var recovery: RecoveryConfiguration
    public var alertTargets: [AlertTarget]
    /// Every stored batch appended here, for `vigil replay`; nil: none.
    public var capturePath: String?
    public let logger: Logger

    public init(configuration: ServerConfiguration, backend: Backend = .ssh, api: API, store: any TelemetryStore & RecoveryStore,
                retention: RetentionService.Policy, detector: DetectorConfiguration, probes: LinkProbeScheduler.Settings,
                recovery: RecoveryConfiguration, alertTargets: [AlertTarget], capturePath: String?, logger: Logger) {
        self.configuration = configuration
        self.backend = backend
        self.api = api
        self.store = store
        self.retention = retention
        self.detector = detector
        self.probes = probes
        self.recovery = recovery
        self.alertTargets = alertTargets
        self.capturePath = capturePath
        self.logger = logger
    }

    public func run() async throws {
        let directory = AgentDirectory()
        let exporter = MetricsExporter()
        exporter.bootstrap()
        let stats = ServerStats()
        let alerts = alertTargets.isEmpty ? nil : AlertDispatcher(targets: alertTargets, store: store, logger: logger)
        let detection = DetectorService(configuration: detector, store: store, directory: directory, probes: probes,
                                        alerts: alerts, logger: logger)
        let agents = AgentBackend(directory: directory)
        let slurm = slurmBackend()
        let lifecycle = JobLifecycle(backend: slurm ?? agents, store: store, directory: directory, detector: detection,
                                     logger: logger)
        // There even when off: an operator's `vigil restart` goes through it.
        let coordinator = RecoveryCoordinator(configuration: recovery, store: store, recoveries: store, lifecycle: lifecycle,
                                              alerts: alerts, logger: logger)
        let capture = try capturePath.map { try CaptureWriter(path: $0) }
        defer { if let error = capture?.close() { logger.error("capture incomplete", metadata: ["reason": "\(error)"]) } }
        var services: [any Service] = [
            IngestService(configuration: configuration, store: store, detector: detection, capture: capture,
                          directory: directory, recovery: coordinator, agents: agents, stats: stats, logger: logger),
            APIService(host: api.host, port: api.port, portFile: api.portFile, store: store, detector: detection,
                       stats: stats, directory: directory, recoveries: store, recovery: coordinator, lifecycle: lifecycle, exporter: exporter,
                       token: configuration.token, logger: logger),
            detection,
            RetentionService(store: store, policy: retention, logger: logger),
        ]
        if recovery.mode != .off { services.append(RecoveryService(coordinator: coordinator, detector: detection)) }
        if let alerts { services.append(alerts) }
        if let slurm { services.append(slurm) }
        try await ServiceGroup(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger).run()
    }

    private func slurmBackend() -> SlurmBackend? {
        guard case .slurm(let settings) = backend else { return nil }
        return SlurmBackend(controller: SlurmController(configFile: settings.configFile, workDirectory: settings.workDirectory),
                            partition: settings.partition, outputDirectory: settings.outputDirectory, store: store,
                            logger: logger)
    }
}
