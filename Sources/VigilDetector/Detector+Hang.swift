import VigilCore

extension Detector {
    /// C4's hang rule on one communicator. #N is the newest instance any
    /// member entered. Members inside #N past the threshold while others
    /// never entered it: those others are stuck (non-communication hang).
    /// Every member inside #N past the threshold: the network between them
    /// (communication hang), narrowed to nodes gone silent when there are any
    /// — unless some member is stopped (SIGSTOP, a debugger) inside #N: it
    /// is the one the others wait for.
    func hang(on key: CommunicatorKey, members: [Observed], nowNs: UInt64) -> Incident? {
        func progress(_ seen: Observed) -> RankSnapshot.Progress? {
            seen.snapshot.progress.first { $0.communicator == key.communicator }
        }
        guard let newest = members.compactMap({ progress($0)?.lastSeqEntered }).max(), newest > 0 else { return nil }
        let threshold = hangThreshold(key)
        let waiting = members.filter { seen in
            guard seen.snapshot.status == .running, let call = seen.snapshot.blocked, call.communicator == key.communicator, call.seq == newest else { return false }
            return nowNs - min(nowNs, call.sinceNs) > threshold
        }
        guard !waiting.isEmpty else { return nil }
        let since = waiting.compactMap { $0.snapshot.blocked?.sinceNs }.min() ?? nowNs
        let op = waiting.first?.snapshot.blocked?.op.name ?? "collective"
        // A stopped member is the culprit outright: peers still stuck in an
        // earlier collective with it are waiting on it too.
        let behind = members.filter { (progress($0)?.lastSeqEntered ?? 0) < newest || $0.snapshot.status == .stopped }
        let stopped = behind.filter { $0.snapshot.status == .stopped }
        let absent = stopped.isEmpty ? behind : stopped
        let evidenceBase = Incident.Evidence(summary: "", communicator: key.communicator, seq: newest,
                                             expectedNs: threshold, observedNs: nowNs - min(nowNs, since))
        if !absent.isEmpty {
            var evidence = evidenceBase
            let lastEntered = absent.compactMap { progress($0)?.lastSeqEntered }.min() ?? 0
            evidence.summary = "\(waiting.count) of \(members.count) ranks wait in \(op) #\(newest) for "
                + "\((nowNs - min(nowNs, since)) / 1_000_000) ms; ranks \(Self.list(absent)) "
                + (absent.allSatisfy { $0.snapshot.status == .stopped } ? "are stopped" : "never entered it (last entered #\(lastEntered))")
            return Incident(job: key.job, incidentClass: .nonCommunicationHang,
                            suspects: absent.map { .init(node: $0.node, rank: $0.snapshot.identity.rank) },
                            confidence: Double(waiting.count) / Double(waiting.count + absent.count),
                            evidence: evidence, firstSeenNs: since, detectedNs: nowNs)
        }
        guard waiting.count == members.count else { return nil }
        let nodes = Set(members.map(\.node))
        let silent = nodes.filter { nowNs - min(nowNs, heartbeat(of: $0) ?? 0) > configuration.heartbeatTimeoutNs }
        var evidence = evidenceBase
        evidence.summary = "all \(members.count) ranks entered \(op) #\(newest) and none left for "
            + "\((nowNs - min(nowNs, since)) / 1_000_000) ms" + (silent.isEmpty ? "" : "; silent: \(silent.sorted().joined(separator: ","))")
        let suspects = (silent.isEmpty || silent.count == nodes.count ? nodes : silent).map { Incident.Suspect(node: $0) }
        return Incident(job: key.job, incidentClass: .communicationHang, suspects: suspects,
                        confidence: silent.isEmpty ? 1 / Double(nodes.count) : 0.8, evidence: evidence,
                        firstSeenNs: since, detectedNs: nowNs)
    }

    static func list(_ ranks: [Observed]) -> String {
        let sorted = ranks.map(\.snapshot.identity.rank).sorted()
        let shown = sorted.prefix(8).map(String.init).joined(separator: ",")
        return sorted.count > 8 ? shown + ",… (\(sorted.count))" : shown
    }
}
