import VigilCore

/// `vigil recovery list`: one line per recovery, newest first, then each one's why.
public enum RecoveryTable {
    public static func render(_ recoveries: [StoredRecovery], nowNs: UInt64) -> String {
        guard !recoveries.isEmpty else { return "no recoveries\n" }
        var table = TextTable(header: ["ID", "JOB", "ATTEMPT", "CLASS", "STATE", "DECIDED", "TO TRAINING", "RESTORED", "LOST"],
                              rightAligned: [0, 2, 6, 7, 8])
        for r in recoveries {
            table.append(["\(r.id)", r.job, "\(r.attempt)", r.incidentClass?.rawValue ?? "manual", r.state.rawValue,
                          DurationText.precise(nowNs - min(nowNs, r.decidedNs)) + " ago",
                          r.firstStepNs.map { DurationText.precise($0 - min($0, r.detectedNs)) } ?? "-",
                          r.restoredStep.map { "step \($0)" } ?? "-",
                          r.rankSecondsLost.map { "\(Int($0.rounded())) rank-s" } ?? "-"])
        }
        var out = table.render()
        for r in recoveries {
            out += "\(r.id): " + r.why.joined(separator: "; ") + (r.failure.map { "; failed: \($0)" } ?? "") + "\n"
        }
        return out
    }
}
