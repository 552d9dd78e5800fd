import VigilCore

extension Detector {
    /// C4's slow rules on one communicator's recent instances: the same rank
    /// last most of the time, its peers waiting on it (a straggler), else the
    /// collective itself costing a multiple of its normal with everyone
    /// present (communication slow), localized through the link matrix.
    mutating func slowness(on key: CommunicatorKey, nowNs: UInt64) -> Incident? {
        guard let window = windows[key] else { return nil }
        let since = nowNs - min(nowNs, configuration.windowNs)
        let recent = window.recent(sinceNs: since)
        guard recent.count >= configuration.minimumInstances else { return nil }
        if let straggler = straggler(on: key, recent: recent, nowNs: nowNs) { return straggler }
        return communicationSlow(on: key, recent: recent, sinceNs: since, nowNs: nowNs)
    }

    private func straggler(on key: CommunicatorKey, recent: [InstanceWindow.Entry], nowNs: UInt64) -> Incident? {
        var lastCounts: [Int: Int] = [:]
        for entry in recent { lastCounts[entry.lastArriver, default: 0] += 1 }
        guard let (rank, times) = lastCounts.max(by: { ($0.value, -$0.key) < ($1.value, -$1.key) }) else { return nil }
        let share = Double(times) / Double(recent.count)
        guard share >= configuration.stragglerShare else { return nil }
        let lag = recent.filter { $0.lastArriver == rank }.map(\.lagNs).median ?? 0
        let interval = pace[key]?.intervalNs ?? 0
        let threshold = max(configuration.stragglerLagFloorNs, UInt64(configuration.stragglerLagFraction * interval))
        guard lag >= threshold, let seen = ranks[RankKey(job: key.job, rank: rank)] else { return nil }
        let first = recent.first { $0.lastArriver == rank }
        let summary = "rank \(rank) arrived last in \(times) of \(recent.count) instances "
            + "(#\(recent.first!.seq)–#\(recent.last!.seq)); the others waited \(Self.ms(lag)) for it, "
            + "\(Int(100 * Double(lag) / max(interval, 1)))% of the \(Self.ms(UInt64(interval))) interval"
        return Incident(job: key.job, incidentClass: .straggler, suspects: [.init(node: seen.node, rank: rank)],
                        confidence: share,
                        evidence: .init(summary: summary, communicator: key.communicator, seq: recent.last?.seq,
                                        expectedNs: threshold, observedNs: lag),
                        firstSeenNs: first?.atNs ?? nowNs, detectedNs: nowNs)
    }

    private mutating func communicationSlow(on key: CommunicatorKey, recent: [InstanceWindow.Entry], sinceNs: UInt64,
                                            nowNs: UInt64) -> Incident? {
        var worst: (op: InstanceWindow.OpKey, normal: Double, typical: UInt64, entries: [InstanceWindow.Entry])?
        for (op, entries) in Dictionary(grouping: recent, by: \.op) where entries.count >= configuration.minimumInstances / 2 {
            guard let normal = windows[key]?.cost[op]?.value, let typical = entries.map(\.shortestNs).median else { continue }
            windows[key]?.follow(op, typicalNs: Double(typical), tolerance: configuration.communicationSlowFactor / 2)
            let slow = Double(typical) >= configuration.communicationSlowFactor * normal
                && typical >= UInt64(normal) + configuration.communicationSlowFloorNs
            if slow, worst.map({ Double(typical) / normal > Double($0.typical) / $0.normal }) ?? true {
                worst = (op, normal, typical, entries)
            }
        }
        guard let worst else { return nil }
        let nodes = Set(communicatorMembers[key]?.map(\.node) ?? [])
        let located = links[key.job]?.suspects(among: nodes, sinceNs: sinceNs, degraded: configuration.linkDegradedFraction)
            ?? (nodes: [], evidence: [])
        let ratio = Double(worst.typical) / worst.normal
        var summary = "\(worst.op.op.name) of \(worst.op.size) ranks takes \(Self.ms(worst.typical)) with every member "
            + "present, \(String(format: "%.1f", ratio))× its normal \(Self.ms(UInt64(worst.normal))); no rank is consistently last"
        if !located.evidence.isEmpty {
            summary += "; degraded links: " + located.evidence.prefix(6).map {
                "\($0.pair.a)↔\($0.pair.b) \(Self.rate($0.now)) (normal \(Self.rate($0.normal)))"
            }.joined(separator: ", ")
        }
        let suspects = located.nodes.isEmpty ? nodes.sorted() : located.nodes
        return Incident(job: key.job, incidentClass: .communicationSlow, suspects: suspects.map { .init(node: $0) },
                        confidence: located.nodes.isEmpty ? 1 / Double(max(nodes.count, 1)) : 1 / Double(located.nodes.count),
                        evidence: .init(summary: summary, communicator: key.communicator, seq: worst.entries.last?.seq,
                                        expectedNs: UInt64(worst.normal), observedNs: worst.typical),
                        firstSeenNs: worst.entries.first?.atNs ?? nowNs, detectedNs: nowNs)
    }

    static func ms(_ ns: UInt64) -> String {
        ns >= 10_000_000 ? "\(ns / 1_000_000) ms" : String(format: "%.2f ms", Double(ns) / 1e6)
    }

    static func rate(_ bytesPerSecond: Double) -> String {
        bytesPerSecond >= 1e9 ? String(format: "%.1f GB/s", bytesPerSecond / 1e9) : String(format: "%.0f MB/s", bytesPerSecond / 1e6)
    }
}
