import Testing
import VigilConsole
import VigilCore

/// The key state machine, driven as an operator would, with frames from the
/// real layout (no terminal).
@Suite struct ConsoleStateTests {
    let model = ConsoleModel.synthetic(nodes: 4, ranksPerNode: 2)
    let now = ConsoleModel.syntheticNowNs

    /// Keys one after another, each against the frame the previous state drew.
    @discardableResult
    func press(_ keys: [Key], _ state: inout ConsoleState) -> [ConsoleEffect] {
        var effects: [ConsoleEffect] = []
        for key in keys {
            let (_, layout) = ConsoleScreen.render(model, state, width: 120, height: 40)
            state.absorb(layout)
            effects += state.handle(key, layout: layout, model: model, nowNs: now)
        }
        return effects
    }

    func type(_ text: String) -> [Key] { text.map { Key.character($0) } }

    @Test func numberKeysAndCommandsSwitchViews() {
        var state = ConsoleState()
        press([.character("3")], &state)
        #expect(state.view == .nodes)
        press([.character(":")] + type("timeline") + [.enter], &state)
        #expect(state.view == .timeline && state.mode == .normal)
        press([.character("?")], &state)
        #expect(state.view == .help)
        press([.escape], &state)
        #expect(state.view == .timeline)
    }

    @Test func cursorMovesAndStaysOnItsRowById() {
        var state = ConsoleState()
        press([.character("3"), .character("j"), .down], &state)
        #expect(state.pane(.nodes).cursorID == "node3")
        press([.character("G")], &state)
        #expect(state.pane(.nodes).cursorID == "node4")
        press([.character("g")], &state)
        #expect(state.pane(.nodes).cursorID == "node1")
        // Sorted the other way, the cursor follows node1 to the end.
        press([.character("N"), .character("N")], &state)
        let (_, layout) = ConsoleScreen.render(model, state, width: 120, height: 40)
        #expect(layout.panes[0].ids == ["node4", "node3", "node2", "node1"])
        #expect(layout.panes[0].cursor == 3)
    }

    @Test func sortKeysCycleAndShowInTheHeader() {
        var state = ConsoleState()
        press([.character("3"), .character(">")], &state)
        #expect(state.pane(.nodes).sort == SortOrder(column: 0, ascending: true))
        press([.character(">")], &state)
        #expect(state.pane(.nodes).sort?.column == 1)
        press([.character("C")], &state)  // CPU
        let (grid, _) = ConsoleScreen.render(model, state, width: 120, height: 40)
        #expect(grid.line(3).contains("CPU▲"))
        press([.character("C")], &state)
        #expect(ConsoleScreen.render(model, state, width: 120, height: 40).0.line(3).contains("CPU▼"))
    }

    @Test func filterAppliesAsTypedAndEscClearsIt() {
        var state = ConsoleState()
        press([.character("3"), .character("/")] + type("node[23]"), &state)
        var (_, layout) = ConsoleScreen.render(model, state, width: 120, height: 40)
        #expect(layout.panes[0].ids == ["node2", "node3"])
        press([.enter], &state)
        #expect(state.mode == .normal && state.filters[.nodes]?.pattern == "node[23]")
        // The prompt opens with the filter in force, to edit.
        press([.character("/")] + [Key](repeating: .backspace, count: 8) + type("!node1") + [.enter], &state)
        (_, layout) = ConsoleScreen.render(model, state, width: 120, height: 40)
        #expect(layout.panes[0].ids == ["node2", "node3", "node4"])
        press([.escape], &state)
        #expect(state.filters[.nodes] == nil && state.view == .nodes)
    }

    @Test func anInvalidRegexIsRefusedWithAReason() {
        var state = ConsoleState()
        press([.character("3"), .character("/")] + type("node[") + [.enter], &state)
        #expect(state.flash?.text.contains("not a regular expression") == true)
        #expect(state.mode != .normal, "the prompt stays open to fix it")
        press([.escape], &state)
        #expect(state.filters[.nodes] == nil)
    }

    @Test func cordonAsksThenPerforms() {
        var state = ConsoleState()
        press([.character("3"), .character("j"), .character(":")] + type("cordon") + [.enter], &state)
        #expect(state.mode == .confirm(.cordon(["node2"])))
        let effects = press([.character("y")], &state)
        #expect(effects == [.perform(.cordon(["node2"]))])
        state.finished(.cordon(["node2"]), error: nil, nowNs: now)
        #expect(state.flash?.text == "cordoned node2 (recorded by the server)")
    }

    @Test func aPlanAwaitingApprovalIsApprovedFromTheRecoveryView() {
        var state = ConsoleState()
        press([.character("0"), .character("a")], &state)
        #expect(state.view == .recovery && state.mode == .confirm(.approve(2, job: "train-1")))
        #expect(press([.character("y")], &state) == [.perform(.approve(2, job: "train-1"))])
        state.finished(.approve(2, job: "train-1"), error: nil, nowNs: now)
        #expect(state.flash?.text == "approved recovery 2 of train-1 (recorded by the server)")
        press([.character("j"), .character("a")], &state)
        #expect(state.mode == .normal, "recovery 1 is training: nothing to approve")
        #expect(state.flash?.text == "recovery 1 is training: only a plan awaiting approval can be approved")
    }

    @Test func anythingButYesCancels() {
        var state = ConsoleState()
        press([.character(":")] + type("uncordon node3") + [.enter], &state)
        #expect(state.mode == .confirm(.uncordon(["node3"])))
        #expect(press([.character("n")], &state).isEmpty)
        #expect(state.mode == .normal && state.flash?.text == "uncordon cancelled")
    }

    @Test func markedNodesAreWhatACordonWithoutNamesMeans() {
        var state = ConsoleState()
        press([.character("3"), .character(" "), .character("j"), .character(" ")], &state)
        #expect(state.pane(.nodes).marks == ["node1", "node3"])
        press([.character(":")] + type("cordon") + [.enter], &state)
        #expect(state.mode == .confirm(.cordon(["node1", "node3"])))
    }

    @Test func readOnlyRefusesActionsAndSaysWhy() {
        var state = ConsoleState(readOnly: true)
        let effects = press([.character(":")] + type("cordon node1") + [.enter, .character("y")], &state)
        #expect(effects.isEmpty)
        #expect(state.flash?.text == "cordon refused: read-only console (--readonly)")
    }

    @Test func enterDrillsDownAndEscComesBack() {
        var state = ConsoleState()
        press([.tab, .enter], &state)  // the open incidents pane, first row: the hang
        #expect(state.view == .evidence && state.incidentID == 12)
        press([.escape], &state)
        #expect(state.view == .overview)
        press([.backTab, .enter], &state)  // the jobs pane, train-1
        #expect(state.view == .ranks && state.job == "train-1")
        press([.character("3"), .character("j"), .enter], &state)
        #expect(state.view == .ranks && state.filters[.ranks]?.pattern == "^node2$")
    }

    @Test func ranksHeatMapMovesByRowsAndCells() {
        var state = ConsoleState()
        press([.character("2"), .character("l"), .character("l")], &state)
        #expect(state.pane(.ranks).cursorID == "2")
        press([.character("h")], &state)
        #expect(state.pane(.ranks).cursorID == "1")
    }

    @Test func commandsCompleteAndUnknownOnesAreExplained() {
        var state = ConsoleState()
        press([.character(":")] + type("inc") + [.tab], &state)
        #expect(state.mode == .command("incidents "))
        press([.escape, .character(":")] + type("cordon no") + [.tab], &state)
        #expect(state.mode == .command("cordon node"))
        press([.escape, .character(":")] + type("frobnicate") + [.enter], &state)
        #expect(state.flash?.text == "unknown command :frobnicate (:help lists them)")
        press([.character(":")] + type("job nope") + [.enter], &state)
        #expect(state.flash?.text.hasPrefix("no job nope") == true)
        #expect(press([.character(":"), .character("q"), .enter], &state) == [.quit])
    }

    @Test func linksMetricCycles() {
        var state = ConsoleState()
        press([.character("5"), .character("m")], &state)
        #expect(state.linkMetric == .probeLatency)
        press([.character("m"), .character("m")], &state)
        #expect(state.linkMetric == .probeBandwidth)
    }
}

/// What review found: keys typed ahead of a redraw, Ctrl-C in a prompt,
/// feeds fetched less often than the refresh, the straggler's note.
@Suite struct ConsoleStateEdgeTests {
    let model = ConsoleModel.synthetic(nodes: 4, ranksPerNode: 2)
    let now = ConsoleModel.syntheticNowNs

    @Test func keysTypedAheadOfARedrawDoNotActOnTheOldViewsRows() {
        var state = ConsoleState()
        let (_, overview) = ConsoleScreen.render(model, state, width: 120, height: 40)
        // "3:cordon⏎" in one burst: every key meets the overview's frame.
        for key in [Key.character("3"), .character(":")] + "cordon".map({ Key.character($0) }) + [.enter] {
            _ = state.handle(key, layout: overview, model: model, nowNs: now)
        }
        #expect(state.mode == .normal, "no question about a job id as a node: \(state.mode)")
        #expect(state.flash?.text.hasPrefix(":cordon needs a node") == true)
    }

    @Test func controlCCancelsAPromptAndQuitsOtherwise() {
        var state = ConsoleState()
        let (_, layout) = ConsoleScreen.render(model, state, width: 120, height: 40)
        _ = state.handle(.character(":"), layout: layout, model: model, nowNs: now)
        #expect(state.handle(.control("c"), layout: layout, model: model, nowNs: now).isEmpty)
        #expect(state.mode == .normal)
        #expect(state.handle(.control("c"), layout: layout, model: model, nowNs: now) == [.quit])
    }

    @Test func collectivesFetchedEveryFiveSecondsAreNotStaleAtFour() {
        var model = self.model
        model.feeds[.collectives] = FeedStatus(fetchedNs: now - 4_500_000_000)
        var state = ConsoleState()
        state.show(.collectives)
        let (grid, _) = ConsoleScreen.render(model, state, width: 120, height: 30)
        #expect(grid.line(1).contains("collectives 4s old") && !grid.line(1).contains("STALE"), "\(grid.line(1))")
    }

    @Test func aStragglersEvidenceSaysHowManyMembersAreNotShown() {
        var state = ConsoleState()
        state.show(.incidents)
        state.incidentID = 11
        state.push(.evidence)
        let (grid, _) = ConsoleScreen.render(.synthetic(nodes: 1_024, ranksPerNode: 8), state, width: 200, height: 40)
        #expect(grid.text.contains("compute ░ then inside █, aligned where each left · 8186 more members not shown"))
    }

    @Test func aNodeWithMoreRanksThanFitSaysSo() {
        var model = ConsoleModel.synthetic(nodes: 1, ranksPerNode: 80)
        model.rankMap = RankMap(job: "train-1", takenNs: now, nodes: ["node1"],
                                entries: (0..<80).map { RankMap.Entry(rank: $0, node: 0, status: .running, blockedMs: 0, gapPercent: 100) })
        var state = ConsoleState()
        state.show(.ranks)
        let (grid, layout) = ConsoleScreen.render(model, state, width: 60, height: 12)
        #expect(grid.line(4).contains("+"), "\(grid.text)")
        _ = state.handle(.character("G"), layout: layout, model: model, nowNs: now)  // the last cell: the "+"
        #expect(ConsoleScreen.render(model, state, width: 60, height: 12).0.text.contains("80 ranks, 52 shown at this width"))
    }
}
