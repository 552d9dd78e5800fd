/// What the detector found: a class, who is to blame and why, in numbers.
public struct Incident: Sendable, Equatable, Codable {
    public enum Class: String, Sendable, Codable, CaseIterable {
        /// Members wait in collective #N while others never entered it: those others are stuck.
        case nonCommunicationHang = "non-communication-hang"
        /// Every member entered #N and none left: the network between them.
        case communicationHang = "communication-hang"
        /// The same rank arrives last in most instances and the others wait for it.
        case straggler
        /// Collectives cost a multiple of their normal with every member present: the network.
        case communicationSlow = "communication-slow"
        /// Collectives slow while the members' nodes are newly short of CPU
        /// (run queue, pressure stalls, steal): the node, not the link.
        case cpuContention = "cpu-contention"
        case rankCrash = "rank-crash"
        /// A node's agent stopped sending heartbeats while its ranks were running.
        case nodeDown = "node-down"
        /// A running rank no longer reported while its node's agent still is.
        case telemetrySilent = "telemetry-silent"
        /// Recovery stopped restarting a job (its budget spent, or the same
        /// failure again): left stopped for an operator. Raised by the server's recovery, not the detector.
        case recoveryGaveUp = "recovery-gave-up"
    }

    /// One thing to blame: a rank on its node, or a node (or its link) alone.
    public struct Suspect: Sendable, Hashable, Codable, Comparable {
        public var node: String
        public var rank: Int?

        public init(node: String, rank: Int? = nil) {
            self.node = node
            self.rank = rank
        }

        public static func < (a: Self, b: Self) -> Bool { (a.node, a.rank ?? -1) < (b.node, b.rank ?? -1) }

        /// "node2 rank 21", or "node2".
        public var description: String { rank.map { "\(node) rank \($0)" } ?? node }
    }

    /// The numbers behind it: what was expected against what was seen, and
    /// for hangs and stragglers the members of the collective instance.
    public struct Evidence: Sendable, Equatable, Codable {
        public var summary: String
        public var communicator: UInt64?
        public var seq: UInt64?
        public var expectedNs: UInt64?
        public var observedNs: UInt64?
        /// The instance's members as judged (culprits first), at most `Member.limit`…
        public var members: [Member]?
        /// …and how many more there were.
        public var otherMembers: Int?
        /// When the members were looked at (the evidence is renewed while the incident stands).
        public var takenNs: UInt64?
        /// The ranks blocked on the culprits, directly or along a wait chain
        /// (at most `victimLimit`), and how many in all: not at fault.
        public var victims: [Int]?
        public var victimCount: Int?
        /// How many times the condition came back while the incident stood
        /// (an intermittent fault is one incident, not a stream of them).
        public var occurrences: Int?

        public static let victimLimit = 64

        public init(summary: String, communicator: UInt64? = nil, seq: UInt64? = nil, expectedNs: UInt64? = nil,
                    observedNs: UInt64? = nil, members: [Member]? = nil, otherMembers: Int? = nil, takenNs: UInt64? = nil) {
            self.summary = summary
            self.communicator = communicator
            self.seq = seq
            self.expectedNs = expectedNs
            self.observedNs = observedNs
            self.members = members
            self.otherMembers = otherMembers
            self.takenNs = takenNs
        }
    }

    public var job: String
    public var incidentClass: Class
    public var suspects: [Suspect]
    /// 0...1: how sure the localization is.
    public var confidence: Double
    public var evidence: Evidence
    /// When the fault began, as far as the telemetry tells (e.g. when the waiting started).
    public var firstSeenNs: UInt64
    public var detectedNs: UInt64
    public var resolvedNs: UInt64?

    public init(job: String, incidentClass: Class, suspects: [Suspect], confidence: Double, evidence: Evidence,
                firstSeenNs: UInt64, detectedNs: UInt64, resolvedNs: UInt64? = nil) {
        self.job = job
        self.incidentClass = incidentClass
        self.suspects = suspects.sorted()
        self.confidence = confidence
        self.evidence = evidence
        self.firstSeenNs = firstSeenNs
        self.detectedNs = detectedNs
        self.resolvedNs = resolvedNs
    }

    /// Class and culprits in one line: "straggler: node2 rank 21".
    public var headline: String {
        "\(incidentClass.rawValue): " + suspects.prefix(8).map(\.description).joined(separator: ", ")
            + (suspects.count > 8 ? ", … (\(suspects.count))" : "")
    }

    /// What makes two findings one incident, updated rather than raised
    /// again: the same class, job and scope.
    public struct Identity: Hashable, Sendable, CustomStringConvertible {
        public var incidentClass: Class
        public var job: String
        /// A network incident's communicator (one per communicator, its
        /// suspects refined as the link evidence comes in), a job's crash or
        /// lost nodes (one per job), else the culprits.
        public var scope: String

        /// "class/job/scope": the key stored and served.
        public var description: String { "\(incidentClass.rawValue)/\(job)/\(scope)" }
    }

    public var identity: Identity {
        Identity(incidentClass: incidentClass, job: job, scope: scope)
    }

    /// `identity` as stored and served.
    public var key: String { identity.description }

    private var scope: String {
        if [.communicationHang, .communicationSlow].contains(incidentClass), let communicator = evidence.communicator {
            return "communicator:\(communicator)"
        }
        if incidentClass == .rankCrash { return "crash" }
        // Nodes lost one after another are one incident, growing: a node lost
        // seconds before hundreds more is not resolved to raise them anew.
        if incidentClass == .nodeDown { return "nodes" }
        return suspects.map { "\($0.node):\($0.rank.map(String.init) ?? "*")" }.joined(separator: ",")
    }
}
