import VigilCore
import VigilRecovery

/// A cluster made up, deterministically: what the layout snapshots and the
/// frame benchmark draw. One job over every node, one stopped rank and its
/// waiting peers (a hang), one late rank (a straggler), one slow link.
extension ConsoleModel {
    public static let syntheticNowNs: UInt64 = 1_800_000_000_000_000_000

    public static func synthetic(nodes count: Int, ranksPerNode: Int, job: String = "train-1") -> ConsoleModel {
        let now = syntheticNowNs
        var model = ConsoleModel()
        model.nowNs = now
        model.source = "api 127.0.0.1:7078"
        for feed in Feed.allCases { model.feeds[feed] = FeedStatus(fetchedNs: now - 400_000_000) }
        guard count > 0 else {
            model.summary.server = ServerPulse(startedNs: now - 65_000_000_000, agentsConnected: 0, batches: 0, records: 0,
                                               batchesPerSecond: 0, recordsPerSecond: 0, history: [])
            return model
        }
        let names = (0..<count).map { count <= 8 ? "node\($0 + 1)" : "sim-" + String(repeating: "0", count: 4 - "\($0)".count) + "\($0)" }
        let world = count * ranksPerNode
        let stopped = min(world - 1, ranksPerNode + 1), straggler = min(world - 1, 2 * ranksPerNode + 3)
        model.nodes = names.enumerated().map { i, name in node(name, index: i, now: now) }
        model.rankMap = rankMap(job: job, names: names, ranksPerNode: ranksPerNode, stopped: stopped, straggler: straggler, now: now)
        model.summary = summary(model, job: job, world: world, now: now)
        model.collectives = collectives(job: job, world: world, straggler: straggler, now: now)
        model.probes = probes(job: job, names: Array(names.prefix(8)), now: now)
        model.links = links(names: Array(names.prefix(8)))
        model.linksJob = job
        model.incidents = incidents(job: job, names: names, ranksPerNode: ranksPerNode, stopped: stopped,
                                    straggler: straggler, now: now)
        model.events = events(job: job, names: names, now: now)
        model.runs = runs(job: job, names: names, ranksPerNode: ranksPerNode, now: now)
        model.checkpoints = checkpoints(job: job, world: world, now: now)
        model.recoveries = recoveries(job: job, names: names, ranksPerNode: ranksPerNode, now: now)
        model.goodput = Goodput.ofEachJob(runs: model.runs, recoveries: model.recoveries, checkpoints: model.checkpoints, nowNs: now)
        return model
    }

    private static func node(_ name: String, index i: Int, now: UInt64) -> NodeSummary {
        let health = NodeHealth(wallNs: now - 500_000_000, cpuBusyPermille: 400 + (i * 37) % 550,
                                memoryTotalBytes: 256 << 30, memoryAvailableBytes: UInt64(64 + (i * 13) % 128) << 30,
                                load1Centi: 200 + (i * 71) % 900, diskFreeBytes: 500 << 30,
                                nics: [.init(name: "eth0", rxBytes: 1 << 40, txBytes: 1 << 40, rxErrors: i == 2 ? 17 : 0,
                                             txErrors: 0, up: true),
                                       .init(name: "ib0", rxBytes: 1 << 42, txBytes: 1 << 42, rxErrors: 0, txErrors: 0, up: i != 3)],
                                gpus: (0..<(i % 2 == 0 ? 8 : 0)).map {
                                    .init(index: $0, utilizationPercent: 90 + $0, memoryUsedBytes: 60 << 30, temperatureCelsius: 60 + $0)
                                })
        let down = i == 5
        return NodeSummary(name: name, lastBatch: UInt64(10_000 + i), lastSeenNs: now - (down ? 9_000_000_000 : 400_000_000),
                           health: health, loss: SpoolLoss(batches: i == 4 ? 2 : 0, records: i == 4 ? 1_600 : 0),
                           cordoned: i == 1)
    }

    private static func rankMap(job: String, names: [String], ranksPerNode: Int, stopped: Int, straggler: Int,
                                now: UInt64) -> RankMap {
        var entries: [RankMap.Entry] = []
        for (n, _) in names.enumerated() {
            for k in 0..<ranksPerNode {
                let rank = n * ranksPerNode + k
                let waiting = rank != stopped && (rank / ranksPerNode) == (stopped / ranksPerNode)
                let status: RankStatus = rank == stopped ? .stopped : (rank == names.count * ranksPerNode - 1 && n > 4) ? .died : .running
                let gap = rank == straggler ? 240 : rank % 97 == 5 ? 118 : 94 + (rank * 7919) % 12
                entries.append(RankMap.Entry(rank: rank, node: n, status: status, blockedMs: waiting ? 5_200 : 0, gapPercent: gap))
            }
        }
        return RankMap(job: job, takenNs: now, nodes: names, entries: entries)
    }

    private static func summary(_ model: ConsoleModel, job: String, world: Int, now: UInt64) -> ClusterSummary {
        var counts = JobSummary.RankCounts()
        for entry in model.rankMap.entries { counts.count(entry.status) }
        let pace = (0..<60).map { (second: Int) -> Double in
            let wobble = Double((second * 37) % 11)
            return 95 + wobble - (second > 54 ? Double(second - 54) * 15 : 0)  // the hang's last seconds
        }
        let jobs = [
            JobSummary(job: job, worldSize: world, ranks: counts, nodes: model.nodes.count, attempt: 2, runState: .running,
                       pace: pace, openIncidents: 2, waitingRanks: model.rankMap.entries.filter { $0.blockedMs > 1_000 }.count),
            JobSummary(job: "eval-7", worldSize: 4, ranks: .init(finished: 4), nodes: 1, attempt: 1, runState: .exited,
                       pace: [], openIncidents: 0),
        ]
        let nodes = NodeCounts(total: model.nodes.count, up: model.nodes.count - (model.nodes.count > 5 ? 1 : 0),
                               down: model.nodes.count > 5 ? 1 : 0, cordoned: model.nodes.count > 1 ? 1 : 0,
                               lostBatches: 2, lostRecords: 1_600, droppedAtRanks: 42, pendingAtRanks: 310)
        let server = ServerPulse(startedNs: now - 7_380_000_000_000, agentsConnected: model.nodes.count - nodes.down,
                                 batches: 1_234_567, records: 987_654_321, batchesPerSecond: Double(model.nodes.count),
                                 recordsPerSecond: Double(world) * 100,
                                 history: (0..<60).map { Double(world * 100 + ($0 * 53) % 200) })
        return ClusterSummary(takenNs: now, server: server, jobs: jobs, nodes: nodes,
                              openIncidents: ["non-communication-hang": 1, "straggler": 1], nodeDownAfterNs: 2_000_000_000,
                              latestEventID: 40)
    }

    private static func collectives(job: String, world: Int, straggler: Int, now: UInt64) -> CollectiveSummaries {
        let items = [
            CollectiveSummary(communicator: 0x2a, op: .allreduce, size: world, ranks: world, calls: 3_000, p50Ns: 1_048_576,
                              p99Ns: 4_194_304, busBandwidth: 2.1e9, lastArriver: straggler, lastArriverMeanNs: 210_000,
                              othersMeanNs: 3_100_000),
            CollectiveSummary(communicator: 0x2a, op: .bcast, size: world, ranks: world, calls: 30, p50Ns: 65_536,
                              p99Ns: 131_072, busBandwidth: 9.5e8, lastArriver: 0, lastArriverMeanNs: 40_000, othersMeanNs: 60_000),
            CollectiveSummary(communicator: 0x7f01, op: .allgather, size: 8, ranks: 7, calls: 3_000, p50Ns: 32_768,
                              p99Ns: 262_144, busBandwidth: nil, lastArriver: nil, lastArriverMeanNs: 0, othersMeanNs: 0),
        ]
        return CollectiveSummaries(job: job, takenNs: now, seconds: 30, items: items)
    }

    private static func probes(job: String, names: [String], now: UInt64) -> [LinkProbe] {
        var out: [LinkProbe] = []
        for (i, a) in names.enumerated() {
            for b in names[(i + 1)...] {
                let slow = a == names.last || b == names.last
                out.append(LinkProbe(job: job, from: a, to: b, rttNs: slow ? 900_000 : 120_000 + UInt64(i) * 5_000,
                                     bytes: 1 << 20, transferNs: slow ? 42_000_000 : 9_000_000 + UInt64(i) * 100_000,
                                     atNs: now - 12_000_000_000))
            }
        }
        return out
    }

    private static func links(names: [String]) -> [LinkTotal] {
        zip(names, names.dropFirst() + names.prefix(1)).filter { $0 != $1 }.map {
            LinkTotal(from: $0, to: $1, messages: 12_000, bytes: 3 << 30, busyNs: 1_500_000_000)
        }
    }

    private static func incidents(job: String, names: [String], ranksPerNode: Int, stopped: Int, straggler: Int,
                                  now: UInt64) -> [StoredIncident] {
        let peers = (0..<ranksPerNode).map { (stopped / ranksPerNode) * ranksPerNode + $0 }.filter { $0 != stopped }
        let waiting = peers.enumerated().map { k, rank in
            Incident.Member(rank: rank, node: names[rank / ranksPerNode], state: .waiting,
                            enteredNs: now - 5_200_000_000 + UInt64(k) * 40_000_000)
        }
        let hangMembers = [Incident.Member(rank: stopped, node: names[stopped / ranksPerNode], state: .stopped, lastSeq: 1_044)]
            + waiting
        var hang = Incident(job: job, incidentClass: .nonCommunicationHang,
                            suspects: [.init(node: names[stopped / ranksPerNode], rank: stopped)], confidence: 0.88,
                            evidence: .init(summary: "\(waiting.count) of \(waiting.count + 1) ranks wait in allreduce #1045 for 5200 ms; ranks \(stopped) are stopped",
                                            communicator: 0x2a, seq: 1_045, expectedNs: 2_000_000_000, observedNs: 5_200_000_000,
                                            members: hangMembers, otherMembers: 0, takenNs: now),
                            firstSeenNs: now - 5_200_000_000, detectedNs: now - 3_100_000_000)
        hang.evidence.victims = waiting.map(\.rank)
        hang.evidence.victimCount = waiting.count
        let stragglerMembers = (0..<min(6, names.count * ranksPerNode)).map { k -> Incident.Member in
            let rank = k == 0 ? straggler : (straggler + k * 5) % (names.count * ranksPerNode)
            return Incident.Member(rank: rank, node: names[rank / ranksPerNode], state: .arrived,
                                   enteredNs: now - 60_000_000 + UInt64(k) * 1_000_000,
                                   insideNs: k == 0 ? 200_000 : 3_000_000 + UInt64(k) * 100_000,
                                   computeNs: k == 0 ? 9_000_000 : 6_100_000 - UInt64(k) * 100_000)
        }
        var late = Incident(job: job, incidentClass: .straggler,
                            suspects: [.init(node: names[straggler / ranksPerNode], rank: straggler)], confidence: 0.92,
                            evidence: .init(summary: "rank \(straggler) computed longest before 58 of 63 allreduce of ≥1 MiB; the others waited 2.9 ms for it",
                                            communicator: 0x2a, seq: 1_040, expectedNs: 1_200_000, observedNs: 2_900_000,
                                            members: stragglerMembers, otherMembers: max(0, names.count * ranksPerNode - 6)),
                            firstSeenNs: now - 95_000_000_000, detectedNs: now - 88_000_000_000)
        late.evidence.occurrences = 3
        let crash = Incident(job: "eval-7", incidentClass: .rankCrash, suspects: [.init(node: names[0], rank: 1)], confidence: 0.9,
                             evidence: .init(summary: "rank 1 died (SIGKILL) while its peers ran"),
                             firstSeenNs: now - 3_600_000_000_000, detectedNs: now - 3_599_000_000_000,
                             resolvedNs: now - 3_500_000_000_000)
        return [StoredIncident(id: 12, incident: hang), StoredIncident(id: 11, incident: late), StoredIncident(id: 3, incident: crash)]
    }

    private static func events(job: String, names: [String], now: UInt64) -> [ClusterEvent] {
        let kinds: [(String, String)] = [
            ("agent.connected", "agent connected, resuming after batch 0"), ("run.running", "attempt 2 started on 4 hosts"),
            ("node.cordoned", "cordoned: launches keep off"), ("link.probe", "probe 112.0 MB/s, rtt 0.12 ms"),
            ("incident.raised", "straggler: rank 19 computed longest"), ("incident.resolved", "rank-crash: rank 1"),
        ]
        return (1...40).map { i in
            let (kind, message) = kinds[i % kinds.count]
            return ClusterEvent(id: Int64(i), wallNs: now - UInt64(41 - i) * 7_000_000_000, kind: kind,
                                node: names[i % names.count], job: kind.hasPrefix("agent") || kind.hasPrefix("node") ? nil : job,
                                message: message)
        }
    }

    private static func runs(job: String, names: [String], ranksPerNode: Int, now: UInt64) -> [JobRun] {
        let hosts = names.prefix(4).map { HostSlots(host: $0, slots: ranksPerNode) }
        let output = (1...30).map { "step \($0 * 100) loss \(Formats.decimal(2.0 / Double($0), 4)) worst-rank 0.01" }.joined(separator: "\n") + "\n"
        return [
            JobRun(job: job, attempt: 1, node: names[0], hosts: hosts, command: ["vigil-train", "--steps", "100000"],
                   state: .stopped, startedNs: now - 7_200_000_000_000, endedNs: now - 3_600_000_000_000,
                   stdoutTail: "step 100 loss 0.5\n", stderrTail: "mpirun: stopped by vigil stop\n"),
            JobRun(job: job, attempt: 2, node: names[0], hosts: hosts, command: ["vigil-train", "--steps", "100000"],
                   state: .running, startedNs: now - 3_500_000_000_000, stdoutTail: output, stderrTail: ""),
            JobRun(job: "eval-7", attempt: 1, node: names[0], hosts: [HostSlots(host: names[0], slots: 4)],
                   command: ["python3", "eval.py"], state: .exited, startedNs: now - 3_700_000_000_000,
                   endedNs: now - 3_600_000_000_000, exitStatus: 137, stdoutTail: "", stderrTail: "Killed\n"),
        ]
    }

    /// Every 100 steps, 64 MiB a rank: the newest still being copied, the one
    /// before complete at level 1 and committing at level 2, one pinned,
    /// the oldest removed by retention.
    private static func checkpoints(job: String, world: Int, now: UInt64) -> [StoredCheckpoint] {
        let second: UInt64 = 1_000_000_000
        func level(_ level: CheckpointLevel, _ state: StoredCheckpoint.Level.State, shards: Int,
                   age: UInt64) -> StoredCheckpoint.Level {
            StoredCheckpoint.Level(level: level, state: state, durableShards: shards, bytes: UInt64(shards) << 26,
                                   slowestNs: level == .local ? 80_000_000 : 900_000_000, blockedNs: 1_400_000,
                                   completedNs: state == .complete ? now - age * second : nil, failure: nil)
        }
        return (0..<5).map { i in
            let step = Int64(1_400 - 100 * i), age = UInt64(i) * 60 + 20
            let levels: [StoredCheckpoint.Level] = switch i {
            case 0: [{
                var copying = level(.local, .copying, shards: world / 2, age: age)
                (copying.stagedShards, copying.copyingShards) = (world / 4, world - world / 2 - world / 4)
                return copying
            }()]
            case 1: [level(.local, .complete, shards: world, age: age), level(.buddy, .partial, shards: world / 2, age: age),
                     level(.shared, .committing, shards: world, age: age)]
            case 4: CheckpointLevel.allCases.map { level($0, .removed, shards: world, age: age) }
            default: [level(.local, .complete, shards: world, age: age), level(.buddy, .complete, shards: world, age: age - 2),
                      level(.shared, .complete, shards: world, age: age - 5)]
            }
            return StoredCheckpoint(job: job, step: step, worldSize: world, startedNs: now - (age + 2) * second, pinned: i == 3,
                                    levels: levels)
        }
    }
}
