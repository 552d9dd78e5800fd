import VigilCore

/// Records, member by member, one instance of each collective the detector
/// wants drawn as evidence (a suspected straggler's): the join itself keeps
/// only aggregates. Costs nothing while nothing is wanted.
struct InstanceCapture: Sendable {
    struct Key: Hashable, Sendable {
        var job: Int32
        var communicator: UInt64
    }

    /// What to capture on a communicator: instances of this op, size and payload.
    struct Want: Equatable, Sendable {
        var op: CollectiveOp
        var size: Int
        var bytesBucket: Int

        func matches(_ event: InstanceEvent) -> Bool {
            event.op == op && Int(event.communicatorSize) == size && 64 - event.bytes.leadingZeroBitCount == bytesBucket
        }
    }

    /// The instances of one want being recorded: several at once, since
    /// nodes report on their own schedules and an instance begun before the
    /// want was set never completes; the first to fill wins.
    private struct Recording {
        var want: Want
        var partial: [UInt64: [Int: InstanceEvent]] = [:]
        var startedNs: UInt64
    }

    /// Instances recorded side by side per want (the oldest dropped first).
    static let partialLimit = 8
    /// A recording is renewed after this long without completing.
    static let timeoutNs: UInt64 = 10_000_000_000

    private var recordings: [Key: Recording] = [:]

    var isEmpty: Bool { recordings.isEmpty }

    /// Capture what `wants` says from now on, keeping recordings already under way.
    mutating func set(_ wants: [Key: Want], nowNs: UInt64) {
        recordings = Dictionary(uniqueKeysWithValues: wants.map { key, want in
            if let running = recordings[key], running.want == want, nowNs - min(nowNs, running.startedNs) < Self.timeoutNs {
                return (key, running)
            }
            return (key, Recording(want: want, startedNs: nowNs))
        })
    }

    /// One event of job `job`; an instance's events, one per member, once every member's are in.
    mutating func offer(_ event: InstanceEvent, job: Int32) -> [InstanceEvent]? {
        let key = Key(job: job, communicator: event.communicator)
        guard var recording = recordings[key], recording.want.matches(event) else { return nil }
        recording.partial[event.seq, default: [:]][event.rank] = event  // a replayed event counts once
        if let members = recording.partial[event.seq], members.count >= Int(event.communicatorSize) {
            recordings[key] = nil
            return members.values.sorted { $0.rank < $1.rank }
        }
        if recording.partial.count > Self.partialLimit, let oldest = recording.partial.keys.min() {
            recording.partial[oldest] = nil
        }
        recordings[key] = recording
        return nil
    }
}
