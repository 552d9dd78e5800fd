/// The human form of an agent report: one table of ranks, one of
/// communicators as this node sees them.
extension AgentReport {
    public func renderTables() -> String {
        guard !ranks.isEmpty else { return "no ranks registered with the agent on \(host)\n" }
        return rankTable() + "\n" + communicatorTable()
    }

    private func rankTable() -> String {
        var table = TextTable(
            header: ["JOB", "RANK", "PID", "STATUS", "RECORDS", "DROPPED", "PENDING", "BLOCKED IN", "FOR"],
            rightAligned: [1, 2, 4, 5, 6, 8])
        for rank in ranks.sorted(by: { ($0.identity.job, $0.identity.rank) < ($1.identity.job, $1.identity.rank) }) {
            let blocked = rank.blocked.map { "\($0.op.name) #\($0.seq) on \(Self.hex($0.communicator))" } ?? "-"
            let since = rank.blocked.map { DurationText.precise(takenAtNs > $0.sinceNs ? takenAtNs - $0.sinceNs : 0) } ?? "-"
            table.append([
                rank.identity.job, "\(rank.identity.rank)", "\(rank.identity.pid)", statusText(rank),
                "\(rank.counters.consumed)", "\(rank.counters.dropped)", "\(rank.counters.pending)", blocked, since,
            ])
        }
        return table.render()
    }

    private func statusText(_ rank: Rank) -> String {
        guard let code = rank.exitStatus else { return rank.status.rawValue }
        return "\(rank.status.rawValue)(\(code))"
    }

    /// Per communicator: members on this node, their seq range and op mix.
    private func communicatorTable() -> String {
        var table = TextTable(
            header: ["COMMUNICATOR", "SIZE", "LOCAL", "RECORDS", "SEQ LEFT", "MISSING", "MEAN IN CALL", "OPS"],
            rightAligned: [1, 2, 3, 5, 6])
        let members = Dictionary(grouping: ranks.flatMap(\.communicators), by: \.id)
        for (id, views) in members.sorted(by: { $0.key < $1.key }) {
            let records = views.map(\.records).reduce(0, +)
            let seqs = views.map(\.lastSeqLeft)
            let seqText = seqs.min() == seqs.max() ? "\(seqs.min()!)" : "\(seqs.min()!)..\(seqs.max()!)"
            let meanNs = records == 0 ? 0 : views.map(\.timeInCallsNs).reduce(0, +) / records
            var ops: [String: UInt64] = [:]
            for view in views { ops.merge(view.ops, uniquingKeysWith: +) }
            let opText = ops.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            table.append([
                Self.hex(id), "\(views[0].size)", "\(views.count)", "\(records)", seqText,
                "\(views.map(\.missingSeqs).reduce(0, +))", DurationText.precise(meanNs), opText,
            ])
        }
        return table.render()
    }

    public static func hex(_ id: UInt64) -> String { "0x" + String(id, radix: 16) }
}
