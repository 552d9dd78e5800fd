import VigilCore

extension Detector {
    /// Communication slow in jobs paced by point-to-point traffic
    /// (PointToPointSlowdown), judged as the world communicator's (whose
    /// collectives, if any, find the same link): placed by the link probes
    /// like a collective's, its cause weighed the same way (a throttled
    /// rank, a contended node). Not in a job with a straggler.
    mutating func pointToPointSlowness(in windows: [String: PointToPointWindow], excluding stragglers: Set<String>,
                                       nowNs: UInt64) -> [Incident] {
        windows.keys.sorted().filter { !stragglers.contains($0) }.compactMap {
            pointToPointSlowness(of: $0, in: windows[$0]!, nowNs: nowNs)
        }
    }

    /// libvigil's id of MPI_COMM_WORLD.
    static let worldCommunicator: UInt64 = 1

    private mutating func pointToPointSlowness(of job: String, in window: PointToPointWindow, nowNs: UInt64) -> Incident? {
        let minimumSpanNs = configuration.pointToPointWindowNs / 2
        guard let typical = PointToPointSlowdown.typicalComputingShare(window.totals, minimumSpanNs: minimumSpanNs) else { return nil }
        guard let normal = observed.waits[job]?.normalComputing.value else {
            observed.waits[job]?.normalComputing.learn(typical, atNs: nowNs)
            return nil
        }
        let key = CommunicatorKey(job: job, communicator: Self.worldCommunicator)
        let factor = isStanding(Self.slowClasses, on: key) ? configuration.pointToPointClearFactor : configuration.pointToPointSlowFactor
        let thresholds = PointToPointSlowdown.Thresholds(factor: factor, spread: configuration.pointToPointComputeGap)
        guard let slowdown = PointToPointSlowdown.judge(window.totals, typical: typical, normal: normal, thresholds) else {
            observed.waits[job]?.normalComputing.follow(typical)
            return nil
        }
        return incident(slowdown, on: key, running: window.running, nowNs: nowNs)
    }

    private mutating func incident(_ slowdown: PointToPointSlowdown, on key: CommunicatorKey, running: [Observed],
                                   nowNs: UInt64) -> Incident? {
        let link = linkSuspects(on: key, nodes: Set(running.map(\.node)), nowNs: nowNs)
        let pairs = slowdown.pairs.prefix(4).map { "\($0.a)↔\($0.b) \(QuantityText.percent($0.share / 2))" }.joined(separator: ", ")
        let summary = "point-to-point exchanges run \(QuantityText.factor(slowdown.factor)) slower than normal with every "
            + "rank present: the typical rank computed \(QuantityText.percent(slowdown.computingShare)) of the last "
            + "\(DurationText.whole(configuration.pointToPointWindowNs)) (normal \(QuantityText.percent(slowdown.normalShare))), "
            + "waiting on its peers the rest; no straggler; the ranks waiting on each other most (share of their time): \(pairs)"
            + link.probed
        let window = Double(configuration.pointToPointWindowNs)
        let evidence = Incident.Evidence(summary: summary, communicator: key.communicator,
                                         expectedNs: UInt64((1 - slowdown.normalShare) * window),
                                         observedNs: UInt64((1 - slowdown.computingShare) * window), takenNs: nowNs)
        let slow = Incident(job: key.job, incidentClass: .communicationSlow, suspects: link.suspects.map { .init(node: $0) },
                            confidence: 1 / Double(max(link.suspects.count, 1)), evidence: evidence,
                            firstSeenNs: nowNs, detectedNs: nowNs)
        return explained(slow, linksDegraded: link.placed, on: key, members: running, nowNs: nowNs)
    }
}
