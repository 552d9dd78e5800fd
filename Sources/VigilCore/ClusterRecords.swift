/// Node-to-node point-to-point traffic of a job: the link matrix, summed
/// from the ranks' per-peer windows (the node of each end from the ranks).
public struct LinkTotal: Sendable, Equatable, Codable {
    public var from: String
    public var to: String
    public var messages: UInt64
    public var bytes: UInt64
    /// Time the senders spent inside send calls.
    public var busyNs: UInt64

    public init(from: String, to: String, messages: UInt64, bytes: UInt64, busyNs: UInt64) {
        self.from = from
        self.to = to
        self.messages = messages
        self.bytes = bytes
        self.busyNs = busyNs
    }

    /// Bytes per second of send time (0 without any).
    public var bytesPerSecond: Double { busyNs == 0 ? 0 : Double(bytes) / (Double(busyNs) / 1e9) }
}

/// Something that happened to the cluster, for the operator's timeline:
/// an agent connecting, a node cordoned, a job attempt starting or ending.
public struct ClusterEvent: Sendable, Equatable, Codable {
    public var id: Int64
    public var wallNs: UInt64
    public var kind: String
    public var node: String?
    public var job: String?
    public var message: String

    public init(id: Int64, wallNs: UInt64, kind: String, node: String?, job: String?, message: String) {
        self.id = id
        self.wallNs = wallNs
        self.kind = kind
        self.node = node
        self.job = job
        self.message = message
    }
}

/// An incident as stored: the detector's finding under its row id.
public struct StoredIncident: Sendable, Equatable, Codable {
    public var id: Int64
    public var incident: Incident

    public init(id: Int64, incident: Incident) {
        self.id = id
        self.incident = incident
    }
}


/// The API's answer to a cordon or uncordon.
/// A checkpoint pinned (retention keeps it) or unpinned, as the API answers.
public struct CheckpointPin: Sendable, Equatable, Codable {
    public var job: String
    public var step: Int64
    public var pinned: Bool

    public init(job: String, step: Int64, pinned: Bool) {
        self.job = job
        self.step = step
        self.pinned = pinned
    }
}

public struct CordonChange: Sendable, Equatable, Codable {
    public var node: String
    public var cordoned: Bool
    /// False when the node already was so.
    public var changed: Bool
    /// What the scheduler did otherwise (a node drained by someone else stays out).
    public var note: String?

    public init(node: String, cordoned: Bool, changed: Bool, note: String? = nil) {
        self.note = note
        self.node = node
        self.cordoned = cordoned
        self.changed = changed
    }
}
