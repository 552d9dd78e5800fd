import VigilCore

/// `vigil status`'s goodput: a line per job, then where each job's lost time went.
public enum GoodputTable {
    public static func render(_ jobs: [Goodput]) -> String {
        guard !jobs.isEmpty else { return "no job attempts\n" }
        var table = TextTable(header: ["JOB", "ETTR", "WALL", "PRODUCTIVE", "LOST", "RESTARTS", "ROLLED BACK"],
                              rightAligned: [1, 2, 3, 4, 5, 6])
        for g in jobs {
            table.append([g.job, String(format: "%.3f", g.ettr), DurationText.precise(g.wallNs), DurationText.precise(g.productiveNs),
                          DurationText.precise(g.wallNs - min(g.wallNs, g.productiveNs)), "\(g.restarts)", "\(g.stepsRolledBack) steps"])
        }
        return table.render() + jobs.map(lostLine).joined()
    }

    /// "train lost: detection 1.2s, stop 0.8s, …" (causes with none left out).
    static func lostLine(_ g: Goodput) -> String {
        let causes = Goodput.Cause.allCases.filter { g.lost($0) > 0 }
        guard !causes.isEmpty else { return "\(g.job) lost nothing\n" }
        return "\(g.job) lost: " + causes.map { "\($0.rawValue) \(DurationText.precise(g.lost($0)))" }.joined(separator: ", ") + "\n"
    }
}
