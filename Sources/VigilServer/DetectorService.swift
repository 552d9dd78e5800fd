import Logging
import ServiceLifecycle
import Synchronization
import VigilAlerts
import VigilCore
import VigilDetector

/// Runs the detector over what agents send: sessions feed it each stored
/// batch, and every `interval` it evaluates, stores what changed (raised,
/// updated, resolved) and logs it. Slow communication the link matrix
/// cannot place gets the agents probing their links.
public final class DetectorService: Service, Sendable {
    private let monitor: Mutex<TelemetryMonitor>
    private let store: any TelemetryStore
    private let interval: Duration
    private let prober: LinkProbeScheduler
    /// Changes a failed store write left to save, retried next time (bounded).
    private let unsaved = Mutex<[Incident]>([])
    /// Heartbeats since the last evaluation, node → newest: taken on the
    /// event loop, so never behind the monitor's lock while it evaluates.
    private let arrivals = Mutex<[String: UInt64]>([:])
    /// What the last evaluation found open.
    private let lastOpen = Mutex<[Incident]>([])
    public let heartbeatTimeoutNs: UInt64
    private let logger: Logger
    /// Told of every incident raised and resolved (queued: never waited on).
    private let alerts: AlertDispatcher?

    public init(configuration: DetectorConfiguration, store: any TelemetryStore, directory: AgentDirectory,
                probes: LinkProbeScheduler.Settings = .init(), interval: Duration = .milliseconds(500),
                alerts: AlertDispatcher? = nil, logger: Logger) {
        self.alerts = alerts
        monitor = Mutex(TelemetryMonitor(configuration: configuration))
        heartbeatTimeoutNs = configuration.heartbeatTimeoutNs
        self.store = store
        self.interval = interval
        prober = LinkProbeScheduler(settings: probes, directory: directory, logger: logger)
        self.logger = logger
    }

    public func ingest(_ batch: TelemetryBatch, from node: String, atNs: UInt64) {
        monitor.withLock { $0.ingest(batch, from: node, atNs: atNs) }
    }

    /// An agent joined from `address`: the node's management subnet, for correlated losses.
    public func joined(node: String, from address: String) {
        monitor.withLock { $0.observe(node: node, managementAddress: address) }
    }

    public func heartbeat(node: String, atNs: UInt64) {
        arrivals.withLock { $0[node] = max($0[node] ?? 0, atNs) }
    }

    public func tallies(job: String) -> [ArrivalTally] { monitor.withLock { $0.tallies(job: job) } }

    /// Recovery is stopping this attempt: its teardown raises nothing.
    public func stopping(job: String, attempt: Int) { monitor.withLock { $0.stopping(job: job, attempt: attempt) } }

    /// The stop did not go through (the recovery failed): the job is judged again.
    public func resumed(job: String) { monitor.withLock { $0.resumed(job: job) } }

    public var openInstances: Int { monitor.withLock { $0.openInstances } }

    /// The incidents open as of the last evaluation.
    public var openIncidents: [Incident] { lastOpen.withLock { $0 } }

    /// The ranks the detector watches, as last reported: what the server holds in memory.
    public func ranks() -> [StoredRank] { monitor.withLock { $0.detector.observedRanks } }

    /// Each rank's smoothed compute between collectives (ns), for the console.
    public func computeGaps(job: String) -> [Int: UInt64] { monitor.withLock { $0.computeGaps(job: job) } }

    /// Incidents a previous server left open are closed first: this
    /// detector starts afresh and raises what still stands.
    public func run() async throws {
        let closed = try await store.resolveOpenIncidents(atNs: wallClockNanoseconds())
        if closed > 0 { logger.notice("closed incidents left open by an earlier server", metadata: ["count": "\(closed)"]) }
        let runs = try await store.runs(job: nil)
        monitor.withLock { monitor in for run in runs { monitor.follow(job: run.job, attempt: run.attempt) } }
        await cancelWhenGracefulShutdown { await self.loop() }
    }

    private func loop() async {
        while !Task.isCancelled {
            guard (try? await Task.sleep(for: interval)) != nil else { return }
            let now = wallClockNanoseconds()
            let beats = arrivals.withLock { arrivals in defer { arrivals = [:] }; return arrivals }
            let report = monitor.withLock { monitor in
                for (node, atNs) in beats { monitor.heartbeat(node: node, atNs: atNs) }
                return monitor.evaluate(nowNs: now)
            }
            log(report)
            lastOpen.withLock { $0 = report.open }
            for incident in report.raised { alerts?.send(AlertEvent(action: .trigger, incident: incident, atNs: now)) }
            for incident in report.resolved { alerts?.send(AlertEvent(action: .resolve, incident: incident, atNs: now)) }
            prober.schedule(for: report.open, wanted: report.probesWanted, jobNodes: { job in self.monitor.withLock { $0.detector.nodes(of: job) } }, nowNs: now)
            let changes = unsaved.withLock { pending in
                defer { pending = [] }
                return pending + report.resolved + report.raised + report.updated  // a superseded key resolves before its new incident opens
            }
            do {
                try await store.saveIncidents(changes, atNs: now)
            } catch {
                logger.error("storing incidents failed; retrying", metadata: ["reason": "\(error)", "changes": "\(changes.count)"])
                unsaved.withLock { $0 = Array(changes.suffix(10_000)) + $0 }
            }
        }
    }

    private func log(_ report: DetectorReport) {
        for incident in report.raised {
            logger.warning("incident raised", metadata: ["job": "\(incident.job)", "incident": "\(incident.headline)",
                                                         "evidence": "\(incident.evidence.summary)"])
        }
        for incident in report.resolved {
            logger.notice("incident resolved", metadata: ["job": "\(incident.job)", "incident": "\(incident.headline)"])
        }
    }
}
