import Testing
import VigilCore
@testable import VigilRecovery

/// The policy's decisions, with no job, socket or clock.
struct RecoveryPolicyTests {
    static let second: UInt64 = 1_000_000_000
    static let now: UInt64 = 10_000 * second
    static let run = JobRun(job: "train", attempt: 3, node: "n1", hosts: (1...4).map { HostSlots(host: "n\($0)", slots: 2) },
                            command: ["train"], state: .running, startedNs: now - 600 * second)

    static func incident(_ incidentClass: Incident.Class, _ nodes: [String], confidence: Double = 0.9) -> Incident {
        Incident(job: "train", incidentClass: incidentClass, suspects: nodes.map { .init(node: $0, rank: 5) },
                 confidence: confidence, evidence: .init(summary: "…"), firstSeenNs: now - 3 * second, detectedNs: now)
    }

    static func context(live: Set<String> = ["n1", "n2", "n3", "n4", "s1", "s2"], minNodes: Int? = nil,
                        slowdown: Double? = nil, slowFor: UInt64 = 0) -> RecoveryContext {
        RecoveryContext(run: run, liveNodes: live, minNodes: minNodes, restorableStep: 1_200, slowdown: slowdown,
                        slowSinceNs: now - slowFor * second)
    }

    static func decide(_ incident: Incident, _ context: RecoveryContext = context(),
                       spares: [String] = ["s1", "s2"], budget: RestartBudget = RestartBudget(),
                       mode: RecoveryConfiguration.Mode = .automatic) -> RecoveryDecision {
        RecoveryPolicy.decide(incident, context: context, budget: budget,
                              configuration: RecoveryConfiguration(mode: mode, spares: spares), nowNs: now)
    }

    @Test func aHungRanksNodeIsCordonedAndASpareTakesItsPlace() throws {
        guard case .act(let plan) = Self.decide(Self.incident(.nonCommunicationHang, ["n3"])) else {
            Issue.record("no plan")
            return
        }
        #expect(plan.cordon == ["n3"] && plan.placement == .spares(["n3": "s1"]))
        #expect(plan.hosts.map(\.host) == ["n1", "n2", "s1", "n4"] && plan.hosts.allSatisfy { $0.slots == 2 }, "in its place, its slots")
        #expect(plan.cordonReason == "vigil: non-communication-hang, incident non-communication-hang/train/n3:5")
        #expect(plan.fromStep == 1_200 && plan.attempt == 3)
        #expect(plan.why.contains("cordon n3; in its place s1 for n3"), "\(plan.why)")
    }

    @Test func aSpareThatIsDownCordonedOrInTheJobIsNotChosen() {
        var context = Self.context(live: ["n1", "n2", "n4", "s2"])
        context.cordoned = ["s2"]
        #expect(Self.decide(Self.incident(.rankCrash, ["n3"]), context, spares: ["s1", "s2", "n1"])
                == .wait("no spare live and free, and the job may not shrink to 3 nodes (no --min-nodes): waiting for an operator"))
    }

    @Test func withoutASpareTheJobShrinksWhenItAllows() {
        guard case .act(let plan) = Self.decide(Self.incident(.nodeDown, ["n2"]), Self.context(minNodes: 3), spares: []) else {
            Issue.record("no plan")
            return
        }
        #expect(plan.placement == .shrink && plan.hosts.map(\.host) == ["n1", "n3", "n4"] && plan.cordon == ["n2"])
        #expect(Self.decide(Self.incident(.nodeDown, ["n2", "n3"]), Self.context(minNodes: 3), spares: [])
                == .wait("no spare live and free, and the job may not shrink to 2 nodes (at least 3): waiting for an operator"))
    }

    @Test func onlyTheCulpritsAreIsolatedNeverMoreThanTheBound() {
        #expect(Self.decide(Self.incident(.communicationHang, ["n1", "n2", "n3"]))
                == .ignore("names 3 nodes (more than 2): not localized enough to isolate; left to an operator"))
        guard case .act(let plan) = Self.decide(Self.incident(.communicationHang, ["n2", "n4"])) else {
            Issue.record("no plan")
            return
        }
        #expect(plan.placement == .spares(["n2": "s1", "n4": "s2"]) && plan.hosts.map(\.host) == ["n1", "s1", "n3", "s2"])
    }

    @Test func aCrashWithNoNodeOfTheJobNamedRestartsOnTheSameHosts() {
        guard case .act(let plan) = Self.decide(Self.incident(.rankCrash, ["elsewhere"])) else {
            Issue.record("no plan")
            return
        }
        #expect(plan.placement == .same && plan.cordon.isEmpty && plan.hosts == Self.run.hosts)
    }

    @Test func unsureOrUnlistedIncidentsAreLeftAlone() {
        #expect(Self.decide(Self.incident(.rankCrash, ["n3"], confidence: 0.4)) == .ignore("confidence 40% below 60%"))
        #expect(Self.decide(Self.incident(.telemetrySilent, ["n3"])) == .ignore("telemetry-silent is not a class recovery acts on"))
        #expect(Self.decide(Self.incident(.rankCrash, ["n3"]), mode: .off) == .ignore("recovery is off"))
    }

    /// A slow class is acted on only once the slowdown is large enough and has lasted.
    @Test func slowClassesWaitForASustainedSlowdown() {
        let straggler = Self.incident(.straggler, ["n3"])
        #expect(Self.decide(straggler, Self.context(slowdown: 1.5, slowFor: 900)) == .ignore("straggler: slowdown 1.5× below 2.0×"))
        #expect(Self.decide(straggler, Self.context(slowdown: 3, slowFor: 30))
                == .ignore("straggler: slow for 30s of the 5m00s it must last"))
        #expect(Self.decide(straggler, Self.context()) == .ignore("straggler: slowdown unknown below 2.0×"))
        guard case .act(let plan) = Self.decide(straggler, Self.context(slowdown: 3, slowFor: 301)) else {
            Issue.record("no plan")
            return
        }
        #expect(plan.cordon == ["n3"])
    }

    @Test func theBudgetBacksOffThenGivesUp() {
        let limits = RestartBudget.Limits()
        var budget = RestartBudget()
        budget.recordRestart(failure: "rank-crash", atNs: Self.now - 5 * Self.second, limits: limits)
        #expect(Self.decide(Self.incident(.rankCrash, ["n3"]), budget: budget) == .wait("backing off: the next restart is due in 5s"))
        for i: UInt64 in 3...4 { budget.recordRestart(failure: "rank-crash", atNs: Self.now - (7 - i) * Self.second, limits: limits) }
        #expect(Self.decide(Self.incident(.rankCrash, ["n3"]), budget: budget)
                == .giveUp("restart budget: failed the same way (rank-crash) 4 times in a row"))
    }
}
