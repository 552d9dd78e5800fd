import Foundation
import VigilRecovery

/// One recovery's timings as `make bench` reads them from a test's output
/// (scripts/bench.sh): fault → incident, → decided, → stopped, → attempt started, → restored, → first step.
struct BackendRecoveryFigure {
    let backend: String
    let fault: String
    let faultNs: UInt64
    let recovery: StoredRecovery

    init(backend: String, fault: String, faultNs: UInt64, _ recovery: StoredRecovery) {
        (self.backend, self.fault, self.faultNs, self.recovery) = (backend, fault, faultNs, recovery)
    }

    var line: String {
        func since(_ ns: UInt64?) -> String {
            ns.map { String(format: "%.2f", Double(Int64(bitPattern: $0 &- faultNs)) / 1e9) } ?? "-"
        }
        return "backend_recovery \(backend) fault \(fault) fault_to_incident_s \(since(recovery.detectedNs))"
            + " fault_to_decided_s \(since(recovery.approvedNs ?? recovery.decidedNs)) fault_to_stopped_s \(since(recovery.stoppedNs)) fault_to_launched_s \(since(recovery.launchedNs))"
            + " fault_to_restored_s \(since(recovery.restoredNs)) fault_to_first_step_s \(since(recovery.firstStepNs)) restored_step \(recovery.restoredStep.map { "\($0)" } ?? "-")"
    }
}
