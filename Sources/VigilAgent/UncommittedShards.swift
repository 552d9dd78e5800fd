import VigilCore

/// The shards this agent copied to level 2 that no manifest has made
/// complete yet, per job and rank, bounded as the ranks bound their own
/// at level 1 (libvigil's vigil_uncommitted.h): commits come within
/// moments, so an agent cut off from its server keeps at most `limit` per
/// rank instead of filling the shared level with shards nothing restores.
struct UncommittedShards {
    static let limit = 4

    private struct Key: Hashable {
        var job: String
        var rank: Int
    }

    private var steps: [Key: [Int64]] = [:]

    /// Forgets the steps `committed` says are complete, then notes `step`:
    /// the step whose shard no longer fits (the caller removes it), or nil.
    mutating func note(job: String, rank: Int, step: Int64, committed: (Int64) -> Bool) -> Int64? {
        let key = Key(job: job, rank: rank)
        var pending = (steps[key] ?? []).filter { !committed($0) && $0 != step }
        let evicted = pending.count >= Self.limit ? pending.removeFirst() : nil
        pending.append(step)
        steps[key] = pending
        return evicted
    }
}
