/// Everything an agent knows about one local rank: built from the rank's
/// records as they are drained, read by reports.
public struct RankTelemetry: Sendable {
    /// Set at registration; a rank known from NCCL Inspector files alone learns its world rank later.
    public var identity: RankIdentity
    public var status: RankStatus = .running
    public var exitStatus: Int32?
    /// When its end was seen (wall-clock ns).
    public var endedNs: UInt64?
    public var blocked: BlockedCall?
    public var counters = RingCounters()
    /// Records with an op this agent does not know (a newer or corrupt producer).
    public var rejected: UInt64 = 0
    /// Records this agent has processed (not those of a previous agent).
    public private(set) var observed: UInt64 = 0
    public private(set) var communicators: [UInt64: CommunicatorProgress] = [:]
    public private(set) var peers: [Int32: PeerTraffic] = [:]
    public private(set) var recorder: FlightRecorder
    /// Collective statistics and point-to-point traffic since the last
    /// `takeWindows`: what the agent sends upstream instead of every record.
    private var windows: [StatWindow] = []
    private var windowIndex: [StatWindow.Key: Int] = [:]
    private var lastWindow = -1   // consecutive records usually share a window
    private var linkTraffic: [Int32: PeerTraffic] = [:]
    /// This interval's instance events (enter in rank-monotonic ns), capped.
    private var instances: [InstanceEvent] = []
    public static let instancesPerInterval = 100_000
    /// Instance events beyond the cap, not sent (counted, shown in reports).
    public private(set) var instancesOverflowed: UInt64 = 0
    /// When the rank left its last collective (rank-monotonic ns).
    private var lastCollectiveExitNs: UInt64 = 0

    public init(identity: RankIdentity, flightRecorderDepth: Int) {
        self.identity = identity
        self.recorder = FlightRecorder(capacity: flightRecorderDepth)
    }

    public mutating func apply(_ record: CollectiveRecord) {
        observed += 1
        recorder.append(record)
        if record.op.isPointToPoint {
            peers[record.peer, default: PeerTraffic(peer: record.peer)].apply(record)
            linkTraffic[record.peer, default: PeerTraffic(peer: record.peer)].apply(record)
        } else {
            windows[window(for: StatWindow.Key(record))].add(record)
            noteInstance(record)
            lastCollectiveExitNs = max(lastCollectiveExitNs, record.exitNs)
            communicators[record.communicator,
                          default: CommunicatorProgress(communicator: record.communicator,
                                                        size: record.communicatorSize)].apply(record)
        }
    }

    private mutating func noteInstance(_ record: CollectiveRecord) {
        guard InstanceEvent.isJoinable(record.communicator) else { return }
        guard instances.count < Self.instancesPerInterval else {
            instancesOverflowed += 1
            return
        }
        instances.append(InstanceEvent(communicator: record.communicator, seq: record.seq, op: record.op,
                                       communicatorSize: record.communicatorSize, rank: identity.rank,
                                       enterNs: record.enterNs, durationNs: record.durationNs,
                                       gapNs: computeGap(before: record),
                                       bytes: record.bytes))
    }

    /// Time between the rank's previous collective and this one, less what
    /// it spent in point-to-point calls: the compute a straggler is slow at.
    private func computeGap(before record: CollectiveRecord) -> UInt64 {
        guard lastCollectiveExitNs > 0, record.enterNs > lastCollectiveExitNs else { return 0 }
        let between = record.enterNs - lastCollectiveExitNs
        return between - min(between, record.busyNs)
    }

    /// This interval's instance events, enter times moved to wall clock
    /// with the rank's `wallOffsetNs`; and a fresh start.
    public mutating func takeInstances(wallOffsetNs: Int64) -> InstanceEvents {
        var events = instances
        for index in events.indices {
            events[index].enterNs = UInt64(max(0, Int64(bitPattern: events[index].enterNs) &+ wallOffsetNs))
        }
        instances.removeAll(keepingCapacity: true)
        return InstanceEvents(job: identity.job, attempt: identity.attempt, events: events)
    }

    private mutating func window(for key: StatWindow.Key) -> Int {
        if lastWindow >= 0 && windows[lastWindow].key == key { return lastWindow }
        if let index = windowIndex[key] {
            lastWindow = index
            return index
        }
        windows.append(StatWindow(job: identity.job, rank: identity.rank, key: key, startNs: 0, endNs: 0))
        windowIndex[key] = windows.count - 1
        lastWindow = windows.count - 1
        return lastWindow
    }

    /// The windows accumulated since the last call, stamped with their wall
    /// clock bounds, and a fresh start.
    public mutating func takeWindows(startNs: UInt64, endNs: UInt64) -> (stats: [StatWindow], links: [LinkWindow]) {
        let stats = windows.map { window -> StatWindow in
            var w = window
            (w.startNs, w.endNs) = (startNs, endNs)
            return w
        }
        let links = linkTraffic.values.map {
            LinkWindow(job: identity.job, rank: identity.rank, peer: Int($0.peer), startNs: startNs, endNs: endNs, traffic: $0)
        }
        windows.removeAll(keepingCapacity: true)
        windowIndex.removeAll(keepingCapacity: true)
        lastWindow = -1
        linkTraffic.removeAll(keepingCapacity: true)
        return (stats, links)
    }

    /// Highest sequence number entered on a communicator: the in-flight one
    /// if the rank is inside a call there, else the last one it left.
    public func lastSeqEntered(on communicator: UInt64) -> UInt64 {
        let left = communicators[communicator]?.lastSeqLeft ?? 0
        guard let blocked, blocked.communicator == communicator else { return left }
        return max(left, blocked.seq)
    }
}
