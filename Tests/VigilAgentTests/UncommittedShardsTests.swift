import Testing
@testable import VigilAgent

/// Level-2 copies no manifest came for stay bounded per job and rank.
struct UncommittedShardsTests {
    @Test func theOldestUncommittedGoesOnceTheBoundIsFull() {
        var shards = UncommittedShards()
        let evicted = (1...6).map { step in shards.note(job: "j", rank: 0, step: Int64(step)) { _ in false } }
        #expect(evicted == [nil, nil, nil, nil, 1, 2])
        #expect(shards.note(job: "j", rank: 1, step: 7) { _ in false } == nil, "per rank")
        #expect(shards.note(job: "other", rank: 0, step: 7) { _ in false } == nil, "per job")
    }

    @Test func committedStepsNeverCount() {
        var shards = UncommittedShards()
        for step in 1...10 { #expect(shards.note(job: "j", rank: 0, step: Int64(step)) { $0 < step } == nil) }
        #expect(shards.note(job: "j", rank: 0, step: 11) { _ in false } == nil, "only step 10 was left waiting")
    }
}
