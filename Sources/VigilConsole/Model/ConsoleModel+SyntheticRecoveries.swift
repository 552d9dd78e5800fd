import VigilCore
import VigilRecovery

extension ConsoleModel {
    /// The synthetic job's recoveries: attempt 1's crash, recovered onto a
    /// spare an hour ago, and attempt 2's hang, its plan awaiting approval.
    static func recoveries(job: String, names: [String], ranksPerNode: Int, now: UInt64) -> [StoredRecovery] {
        let second: UInt64 = 1_000_000_000
        let hosts = names.prefix(4).map { HostSlots(host: $0, slots: ranksPerNode) }
        let culprit = hosts.count > 2 ? hosts[2].host : hosts[0].host
        func plan(attempt: Int, key: String, _ incidentClass: Incident.Class, fromStep: Int64) -> RecoveryPlan {
            RecoveryPlan(job: job, attempt: attempt, incidentKey: key, incidentClass: incidentClass, cordon: [culprit],
                         cordonReason: "vigil: \(incidentClass.rawValue), incident \(key)", placement: .spares([culprit: "spare1"]),
                         hosts: hosts.map { $0.host == culprit ? HostSlots(host: "spare1", slots: $0.slots) : $0 },
                         fromStep: fromStep, why: ["cordon \(culprit); in its place spare1 for \(culprit)", "restart from step \(fromStep)"])
        }
        let crashKey = "rank-crash/\(job)/\(culprit):\(2 * ranksPerNode)"
        var crash = StoredRecovery(id: 1, job: job, attempt: 1, incidentKey: crashKey, incidentClass: .rankCrash, mode: .automatic,
                                   state: .training, plan: plan(attempt: 1, key: crashKey, .rankCrash, fromStep: 2_000),
                                   why: [], firstSeenNs: now - 3_501 * second, detectedNs: now - 3_500 * second + 200_000_000,
                                   decidedNs: now - 3_500 * second + 210_000_000)
        crash.why = crash.plan!.why
        (crash.stoppedNs, crash.launchedNs) = (now - 3_499 * second, now - 3_498 * second)
        (crash.restoredStep, crash.restoredNs, crash.restoreNs) = (2_000, now - 3_497 * second, 340_000_000)
        (crash.firstStepNs, crash.rankSecondsLost) = (now - 3_496 * second, Double(hosts.count * ranksPerNode) * 5)
        let hangKey = "non-communication-hang/\(job)/\(culprit):\(2 * ranksPerNode + 1)"
        var hang = StoredRecovery(id: 2, job: job, attempt: 2, incidentKey: hangKey, incidentClass: .nonCommunicationHang,
                                  mode: .approval, state: .awaitingApproval,
                                  plan: plan(attempt: 2, key: hangKey, .nonCommunicationHang, fromStep: 9_000), why: [],
                                  firstSeenNs: now - 21 * second, detectedNs: now - 20 * second, decidedNs: now - 20 * second)
        hang.why = hang.plan!.why
        return [hang, crash]
    }
}
