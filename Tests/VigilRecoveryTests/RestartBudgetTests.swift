import Foundation
import Testing
@testable import VigilRecovery

/// One budget per job: a rolling window, doubling backoff, the same failure
/// again and again, and a healthy period that forgives.
struct RestartBudgetTests {
    static let second: UInt64 = 1_000_000_000
    static let limits = RestartBudget.Limits(maxRestarts: 4, windowNs: 3_600 * second, backoffNs: 10 * second,
                                             backoffCapNs: 60 * second, healthyNs: 600 * second, sameFailureLimit: 3)

    @Test func theFirstRestartIsImmediateThenTheWaitDoublesUpToItsCap() {
        var budget = RestartBudget()
        #expect(budget.verdict(for: "a", nowNs: 0, limits: Self.limits) == .allowed)
        var waits: [UInt64] = []
        for i in 0..<5 {
            budget.recordRestart(failure: "f\(i)", atNs: UInt64(i) * 100 * Self.second, limits: Self.limits)
            waits.append(budget.backoff(at: UInt64(i) * 100 * Self.second, Self.limits) / Self.second)
        }
        #expect(waits == [10, 20, 40, 60, 60])
        #expect(budget.verdict(for: "x", nowNs: 400 * Self.second + 5 * Self.second, limits: Self.limits)
                == .exhausted("5 restarts in the last 3600 s (at most 4)"))
    }

    @Test func restartsOutsideTheWindowNoLongerCount() {
        var budget = RestartBudget()
        for i in 0..<4 { budget.recordRestart(failure: "f\(i)", atNs: UInt64(i) * Self.second, limits: Self.limits) }
        #expect(budget.verdict(for: "x", nowNs: 3_602 * Self.second, limits: Self.limits) == .allowed)
    }

    @Test func theSameFailureAgainAndAgainStopsRestarts() {
        var budget = RestartBudget()
        for i in 0..<3 { budget.recordRestart(failure: "crash", atNs: UInt64(i) * 100 * Self.second, limits: Self.limits) }
        #expect(budget.verdict(for: "crash", nowNs: 300 * Self.second, limits: Self.limits)
                == .exhausted("failed the same way (crash) 4 times in a row"))
        #expect(budget.verdict(for: "hang", nowNs: 300 * Self.second, limits: Self.limits) == .allowed, "another failure")
        #expect(budget.verdict(for: "crash", nowNs: 799 * Self.second, limits: Self.limits) != .allowed)
        #expect(budget.verdict(for: "crash", nowNs: 800 * Self.second, limits: Self.limits) == .allowed,
                "ten healthy minutes since the last restart break the chain")
        #expect(budget.backoff(at: 800 * Self.second, Self.limits) == 0, "and the backoff")
    }

    @Test func itSurvivesAsJSON() throws {
        var budget = RestartBudget()
        budget.recordRestart(failure: "crash", atNs: 7, limits: Self.limits)
        let data = try JSONEncoder().encode(budget)
        #expect(try JSONDecoder().decode(RestartBudget.self, from: data) == budget)
    }
}
