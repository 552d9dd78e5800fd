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

    private struct Recording {
        var want: Want
        var seq: UInt64?
        var events: [InstanceEvent] = []
        var startedNs: UInt64
    }

    /// An incomplete recording is given up after this long and another instance taken.
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

    /// One event of job `job`; the instance's events once every member's are in.
    mutating func offer(_ event: InstanceEvent, job: Int32) -> [InstanceEvent]? {
        let key = Key(job: job, communicator: event.communicator)
        guard var recording = recordings[key], recording.want.matches(event) else { return nil }
        if recording.seq == nil { recording.seq = event.seq }
        guard event.seq == recording.seq else { return nil }
        recording.events.append(event)
        if recording.events.count >= Int(event.communicatorSize) {
            recordings[key] = nil
            return recording.events
        }
        recordings[key] = recording
        return nil
    }
}
