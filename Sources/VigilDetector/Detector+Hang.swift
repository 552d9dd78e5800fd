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
                                             expectedNs: threshold, observedNs: nowNs - min(nowNs, since), takenNs: nowNs)
        if !absent.isEmpty {
            var evidence = evidenceBase
            let culprits = Set(absent.map(\.snapshot.identity.rank))
            (evidence.members, evidence.otherMembers) = Self.timeline(of: members, in: key.communicator, seq: newest,
                                                                      culprits: culprits)
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
        (evidence.members, evidence.otherMembers) = Self.timeline(of: members, in: key.communicator, seq: newest, culprits: [])
        evidence.summary = "all \(members.count) ranks entered \(op) #\(newest) and none left for "
            + "\((nowNs - min(nowNs, since)) / 1_000_000) ms" + (silent.isEmpty ? "" : "; silent: \(silent.sorted().joined(separator: ","))")
        let suspects = (silent.isEmpty || silent.count == nodes.count ? nodes : silent).map { Incident.Suspect(node: $0) }
        return Incident(job: key.job, incidentClass: .communicationHang, suspects: suspects,
                        confidence: silent.isEmpty ? 1 / Double(nodes.count) : 0.8, evidence: evidence,
                        firstSeenNs: since, detectedNs: nowNs)
    }

    /// Where each member of instance #`seq` is: inside it waiting (since
    /// when), stopped, or never arrived (and blocked in what instead).
    static func timeline(of members: [Observed], in communicator: UInt64, seq: UInt64,
                         culprits: Set<Int>) -> (members: [Incident.Member], left: Int) {
        let all = members.map { seen -> Incident.Member in
            let s = seen.snapshot
            let inside = s.blocked.flatMap { $0.communicator == communicator && $0.seq == seq ? $0.sinceNs : nil }
            let entered = s.progress.first { $0.communicator == communicator }?.lastSeqEntered ?? 0
            var member = Incident.Member(rank: s.identity.rank, node: seen.node, state: .arrived, enteredNs: inside)
            if s.status == .stopped {
                member.state = .stopped
            } else if inside != nil {
                member.state = .waiting
            } else if entered < seq {
                member.state = .absent
                member.lastSeq = entered
                member.blockedIn = s.blocked.map { "\($0.op.name) #\($0.seq) on \(AgentReport.hex($0.communicator))" }
            }
            return member
        }
        let sample = Incident.Member.sample(culprits: all.filter { culprits.contains($0.rank) }.sorted { $0.rank < $1.rank },
                                            others: all.filter { !culprits.contains($0.rank) })
        return (sample.members, sample.left)
    }

    static func list(_ ranks: [Observed]) -> String {
        let sorted = ranks.map(\.snapshot.identity.rank).sorted()
        let shown = sorted.prefix(8).map(String.init).joined(separator: ",")
        return sorted.count > 8 ? shown + ",… (\(sorted.count))" : shown
    }
}
