import CVigilRing
import Foundation
import Logging
import Testing
import VigilAgent
import VigilCore

/// The agent's table of local ranks, without sockets: registration rules
/// and taking over rings after an agent restart.
struct RankTableTests {
    private func configuration(_ dir: URL) -> AgentConfiguration {
        AgentConfiguration(socketPath: dir.appendingPathComponent("a.sock").path,
                           ringDirectory: dir.path, ringCapacity: 64, flightRecorderDepth: 16)
    }

    private func withDirectory(_ body: (URL) throws -> Void) throws {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("vigil-table-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try body(dir)
    }

    private let me = RankIdentity(job: "j1", rank: 0, worldSize: 2, pid: getpid(), host: "h")

    /// A process an NCCL Inspector file names is followed only if it runs
    /// here as the file's owner, and a stop never signals it.
    @Test func anInspectedProcessIsFollowedButNeverSignalled() throws {
        try withDirectory { dir in
            let table = RankTable(configuration: configuration(dir), logger: Logger(label: "test"))
            let record = CollectiveRecord(op: .allreduce, communicator: 7, seq: 1, enterNs: 10, exitNs: 20, communicatorSize: 2)
            #expect(!table.apply(inspected: me, owner: getuid() &+ 1, [record]), "not the file owner's process")
            let gone = RankIdentity(job: "j1", rank: 1, worldSize: 2, pid: Int32.max - 1, host: "h")
            #expect(!table.apply(inspected: gone, owner: getuid(), [record]), "no such process here")
            #expect(table.apply(inspected: me, owner: getuid(), [record, record]))
            let rank = try #require(table.report().ranks.first)
            #expect(rank.identity == me && rank.observed == 2 && rank.counters.consumed == 2, "produced = consumed")
            #expect(table.runningProcesses(ofJob: "j1").isEmpty, "a stop signals no inspected process")
            _ = try table.register(me)
            #expect(table.runningProcesses(ofJob: "j1").map(\.pid) == [getpid()], "registering itself, it is a rank like any")
            #expect(!table.apply(inspected: me, owner: getuid(), [record]), "and its ring, not the file, speaks for it")
        }
    }

    @Test func registersALiveProcessOnceAndRefusesTheRest() throws {
        try withDirectory { dir in
            let table = RankTable(configuration: configuration(dir), logger: Logger(label: "test"))
            let path = try table.register(me)
            #expect(path == dir.path + "/j1.0.\(getpid()).ring")
            #expect(FileManager.default.fileExists(atPath: path))
            #expect(throws: RegistrationError.self) { try table.register(me) }
            var ghost = me
            ghost.pid = Int32.max  // no such process
            #expect(throws: RegistrationError.self) { try table.register(ghost) }
            #expect(table.liveRanks == 1)
        }
    }

    /// A new agent finds the rings a killed one left: the live rank's ring is
    /// adopted, a dead rank's ring is drained, reported and removed.
    @Test func adoptsLiveRingsAndClosesDeadOnes() throws {
        try withDirectory { dir in
            let live = try RingFile.create(path: dir.path + "/j1.0.\(getpid()).ring", capacity: 64, identity: me)
            var deadIdentity = me
            deadIdentity.rank = 1
            deadIdentity.pid = Int32.max
            let dead = try RingFile.create(path: dir.path + "/j1.1.\(Int32.max).ring", capacity: 64, identity: deadIdentity)
            var cachedTail: UInt64 = 0
            var r = vigil_record()
            r.op = UInt16(VIGIL_OP_BARRIER.rawValue)
            r.comm_id = 1
            r.seq = 1
            r.comm_size = 2
            _ = vigil_ring_push(dead.header, &cachedTail, &r)

            let table = RankTable(configuration: configuration(dir), logger: Logger(label: "test"))
            table.adoptExistingRings()
            let report = table.report()
            let adoptedLive = try #require(report.ranks.first { $0.identity.rank == 0 })
            let closedDead = try #require(report.ranks.first { $0.identity.rank == 1 })
            #expect(adoptedLive.status == .running)
            #expect(closedDead.status == .died)
            #expect(closedDead.counters.consumed == 1 && closedDead.observed == 1)
            #expect(!FileManager.default.fileExists(atPath: dead.path))
            #expect(FileManager.default.fileExists(atPath: live.path))
            #expect(table.liveRanks == 1)
        }
    }

    /// When the agent is the rank's parent it knows how it ended.
    @Test func aChildRankThatIsKilledReportsItsExitStatus() throws {
        try withDirectory { dir in
            var pid: pid_t = 0
            let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sleep"), strdup("60"), nil]
            defer { argv.forEach { free($0) } }
            #expect(posix_spawn(&pid, "/bin/sleep", nil, nil, argv, environ) == 0)
            let table = RankTable(configuration: configuration(dir), logger: Logger(label: "test"))
            var child = me
            child.pid = pid
            _ = try table.register(child)
            kill(pid, SIGKILL)
            var rank: AgentReport.Rank?
            for _ in 0..<500 where rank?.status != .died {  // the kernel needs a moment to make it a zombie
                table.checkExits()
                rank = table.report().ranks.first
                usleep(10_000)
            }
            #expect(rank?.status == .died)
            #expect(rank?.exitStatus == 128 + SIGKILL)
        }
    }
}
