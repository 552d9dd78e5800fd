import Logging
import Synchronization
import VigilCore
import VigilDetector
import VigilWire

/// Asks agents to probe their links: when the detector wants a slowness
/// across hosts judged, and again every `reprobeAfterNs` while a slowness
/// stands (so what placed or cleared it stays current). Every pair of the
/// job's nodes, in slots where no node is in two probes at once, and one
/// round at a time across jobs (they may share nodes).
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
    private struct Rounds {
        var lastByJob: [String: UInt64] = [:]
        /// The end of the round under way: no other starts before.
        var busyUntilNs: UInt64 = 0
    }

    private let rounds = Mutex(Rounds())

    init(settings: Settings, directory: AgentDirectory, logger: Logger) {
        self.settings = settings
        self.directory = directory
        self.logger = logger
    }

    /// Probes the nodes of each job with a slowness standing (once per
    /// `reprobeAfterNs`), or that the detector wants probed by a round
    /// started after a time (`wanted`): all of the job's nodes (`jobNodes`)
    /// where they fit a round — a communicator of two nodes has one pair,
    /// which cannot say which end is slow — else the incident's suspects.
    func schedule(for open: [Incident], wanted: [String: UInt64], jobNodes: (String) -> Set<String>, nowNs: UInt64) {
        let standing = open.filter { [.communicationSlow, .straggler, .cpuContention].contains($0.incidentClass) }
            .map { (job: $0.job, suspects: Set($0.suspects.map(\.node)), after: UInt64?.none) }
        let asked = wanted.sorted { $0.key < $1.key }.map { (job: $0.key, suspects: Set<String>(), after: Optional($0.value)) }
        for (job, suspects, after) in standing + asked {
            let due = rounds.withLock { r in
                let last = r.lastByJob[job] ?? 0
                let stale = after.map { last < $0 } ?? (nowNs - min(nowNs, last) >= settings.reprobeAfterNs)
                return nowNs >= r.busyUntilNs && stale
            }
            guard due else { continue }
            let all = jobNodes(job).union(suspects)
            guard all.count >= 2 else { continue }   // one host: no link to probe
            let endNs = probe(job: job, nodes: all.count <= settings.maxNodes ? Array(all) : Array(suspects), nowNs: nowNs)
            rounds.withLock { r in
                r.lastByJob[job] = nowNs   // skipped too: not asked again every evaluation
                r.busyUntilNs = endNs ?? r.busyUntilNs
            }
        }
    }

    /// Sends the round's requests; when the round ends, or nil if not probed.
    private func probe(job: String, nodes: [String], nowNs: UInt64) -> UInt64? {
        let hosts = directory.hosts(of: nodes)
        guard hosts.count >= 2, hosts.count <= settings.maxNodes else {
            logger.notice("link probes skipped", metadata: ["job": "\(job)", "connectedNodes": "\(hosts.count)"])
            return nil
        }
        // Requests leave with each agent's next acknowledgement: start once every agent has had one.
        let startNs = nowNs + 2_500_000_000
        let plan = ProbePlan.probes(among: Array(hosts.keys))
        for (from, probes) in Dictionary(grouping: plan, by: \.from) {
            let peers = probes.map { ProbeRequest.Peer(node: $0.to, host: hosts[$0.to]!, port: settings.port, slot: $0.slot) }
            let request = ProbeRequest(job: job, bytes: settings.bytes, startNs: startNs, slotNs: settings.slotNs, peers: peers)
            directory.send(request.frame, to: from)
        }
        let slots = Set(plan.map(\.slot)).count
        logger.info("link probes scheduled", metadata: ["job": "\(job)", "nodes": "\(hosts.keys.sorted())", "slots": "\(slots)"])
        return startNs + UInt64(slots) * settings.slotNs
    }
}
