import VigilCore

/// Decides what to do about an incident (docs/recovery.md): pure, so every
/// choice is tested without a job, a socket or a clock.
///
/// It acts on an incident whose culprits are localized (the suspects, never
/// the victims waiting on them), sure enough, of a class it acts on (a
/// slow class only once the slowdown has lasted), within the job's restart
/// budget; it cordons the culprit nodes, puts a spare in each one's place,
/// else shrinks the job if it allows, else waits for an operator.
public enum RecoveryPolicy {
    public static func decide(_ incident: Incident, context: RecoveryContext, budget: RestartBudget,
                              configuration: RecoveryConfiguration, nowNs: UInt64) -> RecoveryDecision {
        if let refusal = refusal(incident, context: context, configuration: configuration, nowNs: nowNs) {
            return .ignore(refusal)
        }
        let culprits = culpritNodes(incident, run: context.run)
        guard culprits.count <= configuration.maxCulpritNodes else {
            return .ignore("names \(culprits.count) nodes (more than \(configuration.maxCulpritNodes)): "
                           + "not localized enough to isolate; left to an operator")
        }
        switch budget.verdict(for: incident.incidentClass.rawValue, nowNs: nowNs, limits: configuration.budget) {
        case .exhausted(let why): return .giveUp("restart budget: \(why)")
        case .backoff(let until): return .wait("backing off: the next restart is due in \(DurationText.whole(until - nowNs))")
        case .allowed: break
        }
        var why = [incident.headline + " (confidence \(Int(incident.confidence * 100))%)"]
        guard let (placement, hosts) = place(culprits, context: context, configuration: configuration, why: &why) else {
            return .wait(why.last ?? "no hosts")
        }
        why.append(context.restorableStep.map { "restart from step \($0), the newest complete checkpoint" }
                   ?? "restart from scratch: no complete checkpoint")
        return .act(RecoveryPlan(job: context.run.job, attempt: context.run.attempt, incidentKey: incident.key,
                                 incidentClass: incident.incidentClass, cordon: culprits.sorted(),
                                 cordonReason: "vigil: \(incident.incidentClass.rawValue), incident \(incident.key)",
                                 placement: placement, hosts: hosts, fromStep: context.restorableStep, why: why))
    }

    /// Why the incident is not acted on, or nil.
    static func refusal(_ incident: Incident, context: RecoveryContext, configuration: RecoveryConfiguration,
                        nowNs: UInt64) -> String? {
        if configuration.mode == .off { return "recovery is off" }
        if incident.resolvedNs != nil { return "resolved" }
        let name = incident.incidentClass.rawValue
        if incident.confidence < configuration.minConfidence {
            return "confidence \(Int(incident.confidence * 100))% below \(Int(configuration.minConfidence * 100))%"
        }
        if configuration.classes.contains(incident.incidentClass) { return nil }
        guard configuration.slowClasses.contains(incident.incidentClass) else { return "\(name) is not a class recovery acts on" }
        guard let slowdown = context.slowdown, slowdown >= configuration.slowFactor else {
            return "\(name): slowdown \(context.slowdown.map { String(format: "%.1f×", $0) } ?? "unknown") "
                + "below \(String(format: "%.1f×", configuration.slowFactor))"
        }
        let lasted = nowNs - min(nowNs, context.slowSinceNs ?? nowNs)
        guard lasted >= configuration.slowForNs else {
            return "\(name): slow for \(DurationText.whole(lasted)) of the \(DurationText.whole(configuration.slowForNs)) it must last"
        }
        return nil
    }

    /// An operator's restart (`vigil restart JOB --exclude NODE`): no
    /// incident, no budget, nothing cordoned; the excluded nodes are
    /// placed like culprits (a spare each, else shrink, else nil with why).
    public static func manual(job run: JobRun, excluding excluded: Set<String>, context: RecoveryContext,
                              configuration: RecoveryConfiguration, nowNs: UInt64) -> Result<RecoveryPlan, RecoveryRefusal> {
        let strangers = excluded.subtracting(run.hosts.map(\.host))
        guard strangers.isEmpty else {
            return .failure(RecoveryRefusal(why: "not hosts of attempt \(run.attempt): " + strangers.sorted().joined(separator: ", ")))
        }
        var why = ["restart asked for by an operator" + (excluded.isEmpty ? "" : ", excluding " + excluded.sorted().joined(separator: ", "))]
        guard let (placement, hosts) = place(excluded, context: context, configuration: configuration, why: &why, verb: "exclude") else {
            return .failure(RecoveryRefusal(why: why.last ?? "no hosts"))
        }
        why.append(context.restorableStep.map { "restart from step \($0), the newest complete checkpoint" }
                   ?? "restart from scratch: no complete checkpoint")
        return .success(RecoveryPlan(job: run.job, attempt: run.attempt, incidentKey: "manual/\(run.job)/\(nowNs / 1_000_000_000)",
                                     incidentClass: nil, cordon: [], cordonReason: "", placement: placement, hosts: hosts,
                                     fromStep: context.restorableStep, why: why))
    }

    /// The job's nodes the incident blames.
    static func culpritNodes(_ incident: Incident, run: JobRun) -> Set<String> {
        Set(incident.suspects.map(\.node)).intersection(run.hosts.map(\.host))
    }

    /// Where the next attempt runs, or nil (with why) when nowhere will do.
    static func place(_ culprits: Set<String>, context: RecoveryContext, configuration: RecoveryConfiguration,
                      why: inout [String], verb: String = "cordon") -> (RecoveryPlan.Placement, [HostSlots])? {
        let hosts = context.run.hosts
        guard !culprits.isEmpty else {
            why.append("no node at fault: the same hosts")
            return (.same, hosts)
        }
        let inJob = Set(hosts.map(\.host))
        let free = configuration.spares.filter {
            context.liveNodes.contains($0) && !context.cordoned.contains($0) && !inJob.contains($0)
        }
        if free.count >= culprits.count {
            let replacing = Dictionary(uniqueKeysWithValues: zip(culprits.sorted(), free))
            why.append("\(verb) " + culprits.sorted().joined(separator: ", ") + "; in its place "
                       + replacing.sorted { $0.key < $1.key }.map { "\($0.value) for \($0.key)" }.joined(separator: ", "))
            return (.spares(replacing), hosts.map { HostSlots(host: replacing[$0.host] ?? $0.host, slots: $0.slots) })
        }
        let healthy = hosts.filter { !culprits.contains($0.host) }
        let spareNote = free.isEmpty ? "no spare live and free" : "\(free.count) spare(s) for \(culprits.count) nodes"
        if let minimum = context.minNodes, healthy.count >= minimum, !healthy.isEmpty {
            why.append("\(verb) " + culprits.sorted().joined(separator: ", ") + "; \(spareNote): shrink to \(healthy.count) nodes "
                       + "(the job allows \(minimum))")
            return (.shrink, healthy)
        }
        why.append("\(spareNote), and the job may not shrink to \(healthy.count) nodes"
                   + (context.minNodes.map { " (at least \($0))" } ?? " (no --min-nodes)") + ": waiting for an operator")
        return nil
    }
}
