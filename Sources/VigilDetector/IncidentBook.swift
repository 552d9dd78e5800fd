import VigilCore

/// The detector's incidents from one evaluation to the next: which are
/// raised, kept open, updated and resolved. A slowness is raised once it
/// has persisted and stays open through short gaps (no flapping), its
/// comebacks counted; a slow or cut link is one incident however many
/// communicators find it. Keyed by `Incident.Identity`.
struct IncidentBook: Sendable {
    typealias Key = Incident.Identity

    let configuration: DetectorConfiguration
    private(set) var open: [Key: Incident] = [:]
    /// Open incidents of an attempt that a newer one replaced: resolved at the next evaluation.
    private var superseded: [Incident] = []
    /// When each open slowness was last found, and how often it came back.
    private var foundNs: [Key: UInt64] = [:]
    private var occurrences: [Key: Int] = [:]
    /// When each open incident was last reported raised or updated.
    private var reportedNs: [Key: UInt64] = [:]
    /// Since when each slowness not yet raised has been found.
    private var slowSinceNs: [Key: UInt64] = [:]

    static let slowClasses: Set<Incident.Class> = [.straggler, .communicationSlow, .cpuContention]

    init(configuration: DetectorConfiguration) {
        self.configuration = configuration
    }

    /// What one evaluation `found`, entered: the report of what is raised,
    /// updated, resolved and open. The incidents of `frozen` jobs (being
    /// torn down) stand as they are. `waitedSinceNs`: since when a
    /// slowness has waited for link probes (found slow all along: it counts).
    mutating func enter(_ found: [Incident], frozen: Set<String>, nowNs: UInt64,
                        waitedSinceNs: (Incident) -> UInt64?) -> DetectorReport {
        let kept = persistent(found, nowNs: nowNs, waitedSinceNs: waitedSinceNs).filter { !frozen.contains($0.job) }
            + open.values.filter { frozen.contains($0.job) }
        var report = DetectorReport()
        var still: [Key: Incident] = [:]
        for var incident in Self.oneIncidentPerLink(held(kept, nowNs: nowNs), open: open) where still[incident.identity] == nil {
            let key = incident.identity
            if let earlier = open[key] {
                (incident.detectedNs, incident.firstSeenNs) = (earlier.detectedNs, min(earlier.firstSeenNs, incident.firstSeenNs))
                if isNews(incident, after: earlier, nowNs: nowNs) { report.updated.append(incident) }
            } else {
                report.raised.append(incident)
                reportedNs[key] = nowNs
            }
            still[key] = incident
        }
        reportedNs = reportedNs.filter { still[$0.key] != nil }
        for var gone in superseded + open.filter({ still[$0.key] == nil }).map(\.value) {
            gone.resolvedNs = nowNs
            report.resolved.append(gone)
        }
        superseded = []
        open = still
        report.open = still.values.sorted { ($0.detectedNs, $0.key) < ($1.detectedNs, $1.key) }
        return report
    }

    /// A newer attempt of `job` started: its open incidents were the older
    /// one's, so the same fault in the new attempt is raised anew, not taken
    /// for the old one still standing.
    mutating func supersede(job: String) {
        let ofJob: (Key) -> Bool = { $0.job == job }
        superseded += open.values.filter { $0.job == job }
        open = open.filter { !ofJob($0.key) }
        (foundNs, occurrences) = (foundNs.filter { !ofJob($0.key) }, occurrences.filter { !ofJob($0.key) })
        (reportedNs, slowSinceNs) = (reportedNs.filter { !ofJob($0.key) }, slowSinceNs.filter { !ofJob($0.key) })
    }

    /// The open incident of one of `classes` found on a communicator of `job`, if any.
    func standing(_ classes: Set<Incident.Class>, job: String, communicator: UInt64) -> Incident? {
        open.values.first { $0.job == job && $0.evidence.communicator == communicator && classes.contains($0.incidentClass) }
    }

    /// No flapping: a slowness that wavers stays one open incident until it
    /// has been gone for `slowResolveAfterNs` (or its communicator's
    /// slowness is found to be of another class: the cause became clear);
    /// each return after a gap of `occurrenceGapNs` counts as an occurrence
    /// in its evidence.
    private mutating func held(_ found: [Incident], nowNs: UInt64) -> [Incident] {
        var kept = found
        let keys = Set(found.map(\.identity))
        func communicator(_ incident: Incident) -> Detector.CommunicatorKey {
            Detector.CommunicatorKey(job: incident.job, communicator: incident.evidence.communicator ?? 0)
        }
        let reclassified = Set(found.filter { Self.slowClasses.contains($0.incidentClass) }.map(communicator))
        for incident in found where Self.slowClasses.contains(incident.incidentClass) {
            let key = incident.identity
            if let last = foundNs[key], nowNs - min(nowNs, last) >= configuration.occurrenceGapNs { occurrences[key, default: 1] += 1 }
            foundNs[key] = nowNs
        }
        for (key, incident) in open where !keys.contains(key) && Self.slowClasses.contains(incident.incidentClass)
            && !reclassified.contains(communicator(incident)) {
            if nowNs - min(nowNs, foundNs[key] ?? 0) < configuration.slowResolveAfterNs { kept.append(incident) }
        }
        let standing = Set(kept.map(\.identity))
        foundNs = foundNs.filter { standing.contains($0.key) }
        occurrences = occurrences.filter { standing.contains($0.key) }
        return kept.map { incident in
            var incident = incident
            if Self.slowClasses.contains(incident.incidentClass) { incident.evidence.occurrences = occurrences[incident.identity] ?? 1 }
            return incident
        }
    }

    /// Slowness counts once it has lasted `slowPersistNs` (every evaluation
    /// in between finding it): a job catching up after a stop, or a burst of
    /// contention, is not a slow rank or network.
    private mutating func persistent(_ found: [Incident], nowNs: UInt64,
                                     waitedSinceNs: (Incident) -> UInt64?) -> [Incident] {
        var seen: [Key: UInt64] = [:]
        let kept = found.filter { incident in
            let key = incident.identity
            guard Self.slowClasses.contains(incident.incidentClass), open[key] == nil else { return true }
            let since = min(slowSinceNs[key] ?? nowNs, waitedSinceNs(incident) ?? nowNs)
            seen[key] = since
            return nowNs - min(nowNs, since) >= configuration.slowPersistNs
        }
        slowSinceNs = seen
        return kept
    }

    /// A standing incident is reported again when its culprits or confidence
    /// change, and otherwise (its numbers grow every evaluation) every few seconds.
    private mutating func isNews(_ incident: Incident, after earlier: Incident, nowNs: UInt64) -> Bool {
        let changed = incident.suspects != earlier.suspects || incident.confidence != earlier.confidence
        guard changed || nowNs - min(nowNs, reportedNs[incident.identity] ?? 0) >= configuration.refreshNs else { return false }
        reportedNs[incident.identity] = nowNs
        return true
    }

    /// A slow or cut link crossed by several communicators is found by each
    /// (keyed by communicator, so its suspects can be refined): one incident,
    /// the one already open, else the first (oldest) found.
    static func oneIncidentPerLink(_ incidents: [Incident], open: [Key: Incident]) -> [Incident] {
        var links = Set<[String]>()
        let ordered = incidents.filter { open[$0.identity] != nil } + incidents.filter { open[$0.identity] == nil }
        return ordered.filter { incident in
            guard [.communicationHang, .communicationSlow].contains(incident.incidentClass) else { return true }
            return links.insert([incident.incidentClass.rawValue, incident.job] + incident.suspects.map(\.node)).inserted
        }
    }
}
