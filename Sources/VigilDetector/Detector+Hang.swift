import VigilCore

extension Detector {
    /// C4's hang rule on one communicator, followed along the wait-for
    /// chain. #N is the newest instance any member entered. Members inside
    /// #N past the threshold while others never entered it (or are stopped
    /// inside it): those others hold it up — and if they are blocked in
    /// turn (a pipeline Sendrecv, another communicator's collective), the
    /// ranks at the end of their chain are to blame, the rest are victims.
    /// Every member inside #N past the threshold: the network between them
    /// (communication hang), narrowed to nodes gone silent when there are any.
    func hang(on key: CommunicatorKey, members: [Observed], graphs: inout WaitGraphs, nowNs: UInt64) -> Incident? {
        guard let newest = members.compactMap({ Self.progress($0, on: key.communicator)?.lastSeqEntered }).max(),
              newest > 0 else { return nil }
        let threshold = hangThreshold(key)
        let waiting = members.filter { seen in
            guard seen.snapshot.status == .running, let call = seen.snapshot.blocked, call.communicator == key.communicator,
                  call.seq == newest else { return false }
            return nowNs - min(nowNs, call.sinceNs) > threshold
        }
        guard !waiting.isEmpty else { return nil }
        let since = waiting.compactMap { $0.snapshot.blocked?.sinceNs }.min() ?? nowNs
        let op = waiting.first?.snapshot.blocked?.op.name ?? "collective"
        var evidence = Incident.Evidence(summary: "", communicator: key.communicator, seq: newest, expectedNs: threshold,
                                         observedNs: nowNs - min(nowNs, since), takenNs: nowNs)
        let behind = members.filter {
            (Self.progress($0, on: key.communicator)?.lastSeqEntered ?? 0) < newest || $0.snapshot.status == .stopped
        }
        let waited = "\(waiting.count) of \(members.count) ranks wait in \(op) #\(newest) for \(QuantityText.milliseconds(nowNs - min(nowNs, since)))"
        guard behind.isEmpty else {
            let graph = graphs.graph(job: key.job, of: self)
            let ends = graph.ends(from: behind.map(\.snapshot.identity.rank))
            // A loop of point-to-point calls is that one's incident, not this.
            guard !ends.cyclic else { return nil }
            if ends.why == .network { return stuckInside(job: key.job, ends: ends, waited: waited, nowNs: nowNs) }
            let culprits = ends.why == .unknown ? behind : ends.ranks.compactMap { observed.ranks[RankKey(job: key.job, rank: $0)] }
            (evidence.members, evidence.otherMembers) = Self.timeline(of: members, in: key.communicator, seq: newest,
                                                                      culprits: Set(culprits.map(\.snapshot.identity.rank)))
            evidence.summary = waited + "; " + Self.blame(culprits, behind: behind, lastEntered: behind.compactMap {
                Self.progress($0, on: key.communicator)?.lastSeqEntered
            }.min() ?? 0)
            return rankHang(job: key.job, culprits: culprits, graph: graph, evidence: evidence, sinceNs: since, nowNs: nowNs)
        }
        guard waiting.count == members.count else { return nil }
        let suspects = hangSuspects(among: Set(members.map(\.node)), nowNs: nowNs)
        (evidence.members, evidence.otherMembers) = Self.timeline(of: members, in: key.communicator, seq: newest, culprits: [])
        evidence.summary = "all \(members.count) ranks entered \(op) #\(newest) and none left for "
            + "\(QuantityText.milliseconds(nowNs - min(nowNs, since)))" + suspects.note
        return Incident(job: key.job, incidentClass: .communicationHang, suspects: suspects.nodes.map { .init(node: $0) },
                        confidence: suspects.confidence, evidence: evidence, firstSeenNs: since, detectedNs: nowNs)
    }

    /// A chain that ends inside a collective every member entered — an
    /// older instance the others have left, or another communicator's — is
    /// a communication hang there: data that never arrived. Its suspects:
    /// the nodes silent or with a link down, else the stuck ranks' nodes.
    func stuckInside(job: String, ends: WaitGraph.Ends, waited: String, nowNs: UInt64) -> Incident? {
        let stuck = ends.ranks.compactMap { observed.ranks[RankKey(job: job, rank: $0)] }
        guard let call = stuck.compactMap(\.snapshot.blocked).min(by: { $0.sinceNs < $1.sinceNs }) else { return nil }
        let key = CommunicatorKey(job: job, communicator: call.communicator)
        guard nowNs - min(nowNs, call.sinceNs) > hangThreshold(key) else { return nil }
        let nodes = Set((communicatorMembers[key] ?? stuck).map(\.node))
        let found = hangSuspects(among: nodes, nowNs: nowNs)
        let narrowed = found.nodes.count < nodes.count
        let suspects = narrowed ? found.nodes : Set(stuck.map(\.node)).sorted()
        let summary = waited + "; the chain ends at ranks \(Self.list(stuck)), inside \(Self.describe(call)), which every "
            + "member entered: data that never arrived" + found.note
        let evidence = Incident.Evidence(summary: summary, communicator: call.communicator, seq: call.seq,
                                         expectedNs: hangThreshold(key), observedNs: nowNs - min(nowNs, call.sinceNs), takenNs: nowNs)
        return Incident(job: job, incidentClass: .communicationHang, suspects: suspects.map { .init(node: $0) },
                        confidence: narrowed ? found.confidence : 1 / Double(max(suspects.count, 1)), evidence: evidence,
                        firstSeenNs: call.sinceNs, detectedNs: nowNs)
    }

    /// A non-communication hang of `culprits`, every rank waiting on them listed.
    func rankHang(job: String, culprits: [Observed], graph: WaitGraph, evidence: Incident.Evidence,
                  sinceNs: UInt64, nowNs: UInt64) -> Incident {
        var evidence = evidence
        let blamed = Set(culprits.map(\.snapshot.identity.rank))
        let victims = graph.victims(of: blamed)
        evidence.victims = Array(victims.prefix(Incident.Evidence.victimLimit))
        evidence.victimCount = victims.count
        if !victims.isEmpty { evidence.summary += "; waiting on them: \(victims.count) ranks" }
        return Incident(job: job, incidentClass: .nonCommunicationHang,
                        suspects: culprits.map { .init(node: $0.node, rank: $0.snapshot.identity.rank) },
                        confidence: Double(max(victims.count, 1)) / Double(max(victims.count, 1) + culprits.count),
                        evidence: evidence, firstSeenNs: sinceNs, detectedNs: nowNs)
    }

    /// "ranks 2 are stopped", or "ranks 3 never entered it (last entered #40)",
    /// or "ranks 0 are blocked in sendrecv with rank 2, which is stopped".
    static func blame(_ culprits: [Observed], behind: [Observed], lastEntered: UInt64) -> String {
        let state = culprits.allSatisfy { $0.snapshot.status == .stopped } ? "stopped" : "computing, in no blocking call"
        let blamed = Set(culprits.map(\.snapshot.identity.rank))
        let held = behind.filter { !blamed.contains($0.snapshot.identity.rank) }
        guard !held.isEmpty else {
            return "ranks \(list(culprits)) " + (state == "stopped" ? "are stopped" : "never entered it (last entered #\(lastEntered))")
        }
        let how = held.first?.snapshot.blocked.map(describe) ?? "blocked"
        return "ranks \(list(held)) never entered it: \(how); the chain ends at ranks \(list(culprits)), \(state)"
    }

    /// "sendrecv with ranks 2", "allreduce #1040 on 0x2a".
    static func describe(_ call: BlockedCall) -> String {
        guard call.op.waitsOnPeers else { return "\(call.op.name) #\(call.seq) on \(AgentReport.hex(call.communicator))" }
        let peers = call.peers.map(String.init).joined(separator: ",")
        let more = call.peerCount > call.peers.count ? " (+\(call.peerCount - call.peers.count))" : ""
        return call.peers.isEmpty ? "\(call.op.name) from any source" : "\(call.op.name) with ranks \(peers)\(more)"
    }

    static func progress(_ seen: Observed, on communicator: UInt64) -> RankSnapshot.Progress? {
        seen.snapshot.progress.first { $0.communicator == communicator }
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
                member.blockedIn = s.blocked.map(describe)
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
