import Testing
import VigilCore
@testable import VigilDetector

/// Hangs and stragglers carry the members of their collective instance,
/// what the console draws as a per-rank timeline.
struct EvidenceMembersTests {
    static let second: UInt64 = 1_000_000_000

    /// The job through a monitor (join included) until `seconds`; the incidents open then.
    static func monitor(_ job: SyntheticJob, seconds: UInt64) -> (TelemetryMonitor, [Incident]) {
        var monitor = TelemetryMonitor()
        var open: [Incident] = []
        for second in 1...seconds {
            let now = job.startNs + second * Self.second
            for (node, batch) in job.batches(afterNs: now - Self.second, atNs: now, seq: second) {
                monitor.ingest(batch, from: node, atNs: now)
            }
            open = monitor.evaluate(nowNs: now).open
        }
        return (monitor, open)
    }

    @Test func aHangShowsWhoWaitsSinceWhenAndWhoNeverArrived() throws {
        let job = SyntheticJob(ranks: 64, ranksPerNode: 8, stepNs: 100_000_000, fault: .hang(rank: 13),
                               faultAfterNs: 5_300_000_000)
        let (_, open) = Self.monitor(job, seconds: 12)
        let hang = try #require(open.first { $0.incidentClass == .nonCommunicationHang })
        let members = try #require(hang.evidence.members)
        #expect(members.count == Incident.Member.limit && hang.evidence.otherMembers == 0)
        #expect(members.first?.rank == 13 && members.first?.state == .absent, "the culprit first")
        #expect(members.first?.lastSeq == (hang.evidence.seq ?? 0) - 1)
        let waiting = members.dropFirst()
        #expect(waiting.allSatisfy { $0.state == .waiting && $0.enteredNs != nil }, "\(waiting.map(\.state))")
        #expect(hang.evidence.takenNs == job.startNs + 12 * Self.second)
    }

    @Test func aStragglersInstanceIsCapturedMemberByMember() throws {
        let job = SyntheticJob(ranks: 64, ranksPerNode: 8, stepNs: 100_000_000, fault: .straggler(rank: 21, factor: 1.5),
                               faultAfterNs: 30_300_000_000)
        let (_, open) = Self.monitor(job, seconds: 50)
        let straggler = try #require(open.first { $0.incidentClass == .straggler })
        let members = try #require(straggler.evidence.members, "no instance captured")
        #expect(members.count == Incident.Member.limit)
        let culprit = try #require(members.first)
        #expect(culprit.rank == 21 && culprit.node == "node2" && culprit.state == .arrived)
        let others = members.dropFirst()
        // The late one computes longest and waits least: the others wait for it.
        #expect(others.allSatisfy { ($0.computeNs ?? 0) < (culprit.computeNs ?? 0) })
        #expect(others.allSatisfy { ($0.insideNs ?? 0) > (culprit.insideNs ?? .max) })
    }

    @Test func samplingKeepsCulpritsThenTheFirstAndLastToEnter() {
        let culprits = [Incident.Member(rank: 5, node: "n0", state: .absent)]
        let others = (0..<200).map { Incident.Member(rank: 100 + $0, node: "n1", state: .waiting, enteredNs: UInt64($0)) }
        let (kept, left) = Incident.Member.sample(culprits: culprits, others: others)
        #expect(kept.count == Incident.Member.limit && left == 201 - Incident.Member.limit)
        #expect(kept[0].rank == 5 && kept[1].rank == 100 && kept.last?.rank == 299)
    }
}

/// The capture behind a straggler's evidence, event by event.
struct InstanceCaptureTests {
    static func event(seq: UInt64, rank: Int) -> InstanceEvent {
        InstanceEvent(communicator: 9, seq: seq, op: .allreduce, communicatorSize: 3, rank: rank, enterNs: seq, durationNs: 1,
                      gapNs: 2, bytes: 1 << 20)
    }

    @Test func anInstanceBegunBeforeTheWantNeverBlocksALaterOne() {
        var capture = InstanceCapture()
        let key = InstanceCapture.Key(job: 0, communicator: 9)
        capture.set([key: .init(op: .allreduce, size: 3, bytesBucket: 21)], nowNs: 0)
        // #5's first member reported before the want was set: only two of three come now.
        #expect(capture.offer(Self.event(seq: 5, rank: 1), job: 0) == nil)
        #expect(capture.offer(Self.event(seq: 5, rank: 2), job: 0) == nil)
        #expect(capture.offer(Self.event(seq: 6, rank: 2), job: 0) == nil)
        #expect(capture.offer(Self.event(seq: 6, rank: 2), job: 0) == nil, "a replayed event counts once")
        #expect(capture.offer(Self.event(seq: 6, rank: 0), job: 0) == nil)
        let whole = capture.offer(Self.event(seq: 6, rank: 1), job: 0)
        #expect(whole?.map(\.rank) == [0, 1, 2] && whole?.allSatisfy { $0.seq == 6 } == true)
        #expect(capture.isEmpty, "done once captured")
    }

    @Test func otherOpsAndSizesAreLeftAlone() {
        var capture = InstanceCapture()
        capture.set([.init(job: 0, communicator: 9): .init(op: .bcast, size: 3, bytesBucket: 21)], nowNs: 0)
        for rank in 0..<3 { #expect(capture.offer(Self.event(seq: 1, rank: rank), job: 0) == nil) }
    }
}
