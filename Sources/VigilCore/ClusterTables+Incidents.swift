extension ClusterTables {
    /// Stored incidents, newest first, as `vigil incidents` prints them.
    public static func incidents(_ stored: [StoredIncident], nowNs: UInt64) -> String {
        var table = TextTable(header: ["ID", "JOB", "CLASS", "SUSPECTS", "CONF", "DETECTED", "STATE", "EVIDENCE"],
                              rightAligned: [0, 4, 5])
        for row in stored {
            let i = row.incident
            table.append(["\(row.id)", i.job, i.incidentClass.rawValue, suspects(i), String(format2: i.confidence),
                          age(nowNs, i.detectedNs) + " ago", i.resolvedNs == nil ? "open" : "resolved", i.evidence.summary])
        }
        return table.render()
    }

    /// Incidents found replaying a capture, timed from its first record.
    public static func replayed(_ incidents: [Incident], startNs: UInt64) -> String {
        var table = TextTable(header: ["AT", "JOB", "CLASS", "SUSPECTS", "CONF", "AFTER ONSET", "RESOLVED AT", "EVIDENCE"],
                              rightAligned: [0, 4, 5, 6])
        for i in incidents {
            table.append(["+" + age(i.detectedNs, startNs), i.job, i.incidentClass.rawValue, suspects(i),
                          String(format2: i.confidence), age(i.detectedNs, i.firstSeenNs),
                          i.resolvedNs.map { "+" + age($0, startNs) } ?? "-", i.evidence.summary])
        }
        return table.render()
    }

    private static func suspects(_ incident: Incident) -> String {
        let shown = incident.suspects.prefix(4).map(\.description).joined(separator: ", ")
        return incident.suspects.count > 4 ? shown + ", … (\(incident.suspects.count))" : shown
    }
}
