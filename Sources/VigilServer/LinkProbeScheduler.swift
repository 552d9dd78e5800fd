import Logging
import Synchronization
import VigilCore
import VigilDetector
import VigilWire

/// Asks agents to probe their links when communication is slow and the
/// link matrix has not placed it: every pair of the communicator's nodes,
/// in slots where no node is in two probes at once. Once per job per
/// `reprobeAfterNs`.
public final class LinkProbeScheduler: Sendable {
    public struct Settings: Sendable {
        /// Where agents answer probes (their `--probe-port`).
        public var port: Int
        public var bytes: UInt64
        public var slotNs: UInt64
        public var reprobeAfterNs: UInt64
        /// Beyond this many nodes a full matrix takes too long; not probed.
        public var maxNodes: Int

        public init(port: Int = 7_079, bytes: UInt64 = 1 << 20, slotNs: UInt64 = 1_000_000_000,
                    reprobeAfterNs: UInt64 = 60_000_000_000, maxNodes: Int = 16) {
            self.port = port
            self.bytes = bytes
            self.slotNs = slotNs
            self.reprobeAfterNs = reprobeAfterNs
            self.maxNodes = maxNodes
        }
    }

    private let settings: Settings
    private let directory: AgentDirectory
    private let logger: Logger
    private let lastRound = Mutex<[String: UInt64]>([:])

    init(settings: Settings, directory: AgentDirectory, logger: Logger) {
        self.settings = settings
        self.directory = directory
        self.logger = logger
    }

    func schedule(for open: [Incident], nowNs: UInt64) {
        for incident in open where incident.incidentClass == .communicationSlow && incident.suspects.count > 1 {
            let due = lastRound.withLock { rounds in
                guard nowNs - min(nowNs, rounds[incident.job] ?? 0) >= settings.reprobeAfterNs else { return false }
                rounds[incident.job] = nowNs
                return true
            }
            if due { probe(job: incident.job, nodes: incident.suspects.map(\.node), nowNs: nowNs) }
        }
    }

    private func probe(job: String, nodes: [String], nowNs: UInt64) {
        let hosts = directory.hosts(of: nodes)
        guard hosts.count >= 2, hosts.count <= settings.maxNodes else {
            logger.notice("link probes skipped", metadata: ["job": "\(job)", "connectedNodes": "\(hosts.count)"])
            return
        }
        // Requests leave with each agent's next acknowledgement: start after one more interval.
        let startNs = nowNs + 1_500_000_000
        let plan = ProbePlan.probes(among: Array(hosts.keys))
        for (from, probes) in Dictionary(grouping: plan, by: \.from) {
            let peers = probes.map { ProbeRequest.Peer(node: $0.to, host: hosts[$0.to]!, port: settings.port, slot: $0.slot) }
            let request = ProbeRequest(job: job, bytes: settings.bytes, startNs: startNs, slotNs: settings.slotNs, peers: peers)
            directory.send(request.frame, to: from)
        }
        logger.info("link probes scheduled", metadata: ["job": "\(job)", "nodes": "\(hosts.keys.sorted())",
                                                       "slots": "\(Set(plan.map(\.slot)).count)"])
    }
}
