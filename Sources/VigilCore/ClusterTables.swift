/// The server's view as aligned tables: what `vigil nodes`, `vigil ranks`,
/// `vigil collectives` and `vigil status` print.
public enum ClusterTables {
    public static func nodes(_ nodes: [NodeSummary], nowNs: UInt64) -> String {
        var table = TextTable(header: ["NODE", "SCHEDULING", "LAST SEEN", "BATCHES", "CPU", "MEM AVAIL", "LOAD", "NICS",
                                       "LOST BATCHES"],
                              rightAligned: [2, 3, 4, 5, 6, 8])
        for node in nodes {
            let h = node.health
            table.append([
                node.name, scheduling(node),
                node.lastSeenNs == 0 ? "never" : age(nowNs, node.lastSeenNs), "\(node.lastBatch)",
                h.map { "\($0.cpuBusyPermille / 10)%" } ?? "-",
                h.map { bytes($0.memoryAvailableBytes) } ?? "-",
                h.map { String(format2: Double($0.load1Centi) / 100) } ?? "-",
                h.map { $0.nics.map { "\($0.name)\($0.up ? "" : "(down)")" }.joined(separator: ",") } ?? "-",
                "\(node.loss.batches)",
            ])
        }
        return table.render()
    }

    /// Vigil's cordon, and the scheduler's word when there is one (Slurm: "drained: REASON").
    static func scheduling(_ node: NodeSummary) -> String {
        (node.cordoned ? "cordoned" : "ok") + (node.scheduler.map { " (\($0))" } ?? "")
    }

    public static func ranks(_ ranks: [StoredRank], nowNs: UInt64) -> String {
        var table = TextTable(header: ["JOB", "RANK", "NODE", "PID", "STATUS", "RECORDS", "DROPPED", "BLOCKED IN", "FOR"],
                              rightAligned: [1, 3, 5, 6, 8])
        for stored in ranks {
            let r = stored.snapshot
            let blocked = r.blocked.map { "\($0.op.name) #\($0.seq) on \(AgentReport.hex($0.communicator))" } ?? "-"
            let since = r.blocked.map { age(nowNs, $0.sinceNs) } ?? "-"
            let status = r.exitStatus.map { "\(r.status.rawValue)(\($0))" } ?? r.status.rawValue
            table.append([r.identity.job, "\(r.identity.rank)", stored.node, "\(r.identity.pid)", status,
                          "\(r.counters.consumed)", "\(r.counters.dropped)", blocked, since])
        }
        return table.render()
    }

    public static func collectives(_ totals: [CollectiveTotal]) -> String {
        var table = TextTable(header: ["RANK", "COMMUNICATOR", "OP", "COUNT", "P50", "P99"], rightAligned: [0, 3, 4, 5])
        for t in totals {
            table.append(["\(t.rank)", AgentReport.hex(t.communicator), t.op.name, "\(t.count)",
                          DurationText.precise(t.p50Ns), DurationText.precise(t.p99Ns)])
        }
        return table.render()
    }

    /// A SLURM JOB column when any attempt ran as a Slurm job.
    public static func runs(_ runs: [JobRun], nowNs: UInt64) -> String {
        let slurm = runs.contains { $0.slurmJob != nil }
        var table = TextTable(header: ["JOB", "ATTEMPT"] + (slurm ? ["SLURM JOB"] : [])
                                  + ["STATE", "EXIT", "STARTED", "RAN FOR", "HOSTS", "COMMAND"],
                              rightAligned: slurm ? [1, 2, 5, 6] : [1, 4, 5])
        for run in runs {
            let exit = run.state == .running ? "-" : run.exitStatus.map { "\($0)" } ?? "signal"
            let ranFor = (run.endedNs ?? nowNs) >= run.startedNs ? DurationText.precise((run.endedNs ?? nowNs) - run.startedNs) : "-"
            table.append([run.job, "\(run.attempt)"] + (slurm ? [run.slurmJob.map { "\($0)" } ?? "-"] : [])
                         + [run.state.rawValue, exit, age(nowNs, run.startedNs) + " ago", ranFor,
                            run.hosts.map { "\($0.host):\($0.slots)" }.joined(separator: ","),
                            String(run.command.joined(separator: " ").prefix(60))])
        }
        return table.render()
    }

    public static func links(_ links: [LinkTotal]) -> String {
        var table = TextTable(header: ["FROM", "TO", "MESSAGES", "BYTES", "SEND RATE"], rightAligned: [2, 3, 4])
        for link in links {
            table.append([link.from, link.to, "\(link.messages)", bytes(link.bytes),
                          link.busyNs == 0 ? "-" : bytes(UInt64(link.bytesPerSecond)) + "/s"])
        }
        return table.render()
    }

    public static func events(_ events: [ClusterEvent], nowNs: UInt64) -> String {
        var table = TextTable(header: ["WHEN", "KIND", "NODE", "JOB", "WHAT"], rightAligned: [0])
        for event in events {
            table.append([age(nowNs, event.wallNs) + " ago", event.kind, event.node ?? "-", event.job ?? "-", event.message])
        }
        return table.render()
    }

    public static func accounts(_ accounts: [RankAccount]) -> String {
        var table = TextTable(header: ["RANK", "NODE", "PRODUCED", "STORED", "DROPPED AT RANK", "PENDING", "LOST IN TRANSIT"],
                              rightAligned: [0, 2, 3, 4, 5, 6])
        for a in accounts.sorted(by: { $0.rank < $1.rank }) {
            table.append(["\(a.rank)", a.node, "\(a.produced)", "\(a.stored)", "\(a.droppedAtRank)", "\(a.pending)",
                          "\(a.lostInTransit)"])
        }
        return table.render()
    }

    /// "3.2s ago", from two wall-clock ns values.
    static func age(_ now: UInt64, _ then: UInt64) -> String {
        now >= then ? DurationText.precise(now - then) : "0ns"
    }

    static func bytes(_ n: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(n)
        var unit = 0
        while value >= 1_024 && unit < units.count - 1 {
            value /= 1_024
            unit += 1
        }
        return String(format2: value) + units[unit]
    }
}

extension String {
    /// Two decimals without Foundation.
    init(format2 value: Double) {
        let hundredths = Int((value * 100).rounded())
        let fraction = abs(hundredths % 100)
        self = "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
