import VigilCore

extension Detector {
    /// How a report of one attempt of a job stands against what the detector follows.
    public enum Admission: Sendable, Equatable {
        /// The attempt the detector follows: evidence.
        case current
        /// A newer attempt: the detector has forgotten the older one's ranks and instances.
        case newAttempt
        /// An older attempt's word arriving late (a spool replay): not evidence of the job now.
        case stale
    }

    /// Every report goes through here before it is evidence: a job's
    /// attempts never mix, so a rank of attempt 1 that died before the
    /// restart is never taken for a crash of attempt 2.
    public mutating func admit(job: String, attempt: Int) -> Admission {
        let following = attempts[job, default: 0]
        if attempt == following { return .current }
        if attempt < following { return .stale }
        attempts[job] = attempt
        if following > 0 { forget(job: job) }
        return following > 0 ? .newAttempt : .current
    }

    /// The server is stopping `attempt` of `job` (recovery's restart): its
    /// teardown — ranks signalled, resumed by mpirun to die, leaving their
    /// collectives unevenly — is no evidence. Until the next attempt, the
    /// job's open incidents stand as they are and no new one is raised.
    public mutating func stopping(job: String, attempt: Int) {
        if attempts[job, default: 0] <= attempt { tearingDown[job] = attempt }
    }

    /// The stop did not go through (recovery failed): what still runs of
    /// the job is evidence again.
    public mutating func resumed(job: String) { tearingDown[job] = nil }

    /// Jobs whose followed attempt is being torn down.
    var jobsTearingDown: Set<String> {
        Set(tearingDown.filter { attempts[$0.key, default: 0] <= $0.value }.map(\.key))
    }

    private mutating func forget(job: String) {
        observed.forget(job: job)
        probes.forget(job: job)
        tearingDown[job] = nil
        book.supersede(job: job)
    }
}
