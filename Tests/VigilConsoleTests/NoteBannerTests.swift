import Testing
import VigilConsole
import VigilCore

/// Notes written on the timeline show over every view while they are
/// fresh, the newest on top, then the views have their rows back.
@Suite struct NoteBannerTests {
    let now = ConsoleModel.syntheticNowNs

    func model(noteAgeNs: UInt64, text: String = "FAULT: rank process 4242 on node3 killed (kill -KILL)") -> ConsoleModel {
        var model = ConsoleModel.synthetic(nodes: 4, ranksPerNode: 2)
        let note = ClusterEvent(id: 41, wallNs: now - noteAgeNs, kind: OperatorNote.kind, node: "node3", job: "train-1", message: text)
        model.summary.notes = [note]
        model.events.append(note)
        return model
    }

    @Test func aFreshNoteIsABannerOverTheView() throws {
        let (grid, _) = ConsoleScreen.render(model(noteAgeNs: 12_000_000_000), ConsoleState(), width: 80, height: 24)
        try Snapshot.check(grid, named: "overview-note-4nodes-80x24")
        #expect(grid.line(2).hasPrefix(" NOTE 12s ago · train-1 · node3  FAULT: rank process 4242"))
        #expect((0..<80).allSatisfy { grid[$0, 2].style == .note }, "the whole row is the banner")
        #expect(grid.line(3).contains("JOBS"), "the view starts below it")
    }

    @Test func freshNotesStackNewestFirstAndOldOnesDropOut() {
        var model = model(noteAgeNs: 30_000_000_000)
        let old = ConsoleScreen.noteShownNs + 1
        model.summary.notes = [
            ClusterEvent(id: 44, wallNs: now - 2_000_000_000, kind: OperatorNote.kind, node: nil, job: "train-1", message: "restarted"),
            ClusterEvent(id: 43, wallNs: now - 9_000_000_000, kind: OperatorNote.kind, node: nil, job: nil, message: "incident"),
            ClusterEvent(id: 40, wallNs: now - old, kind: OperatorNote.kind, node: nil, job: nil, message: "long ago"),
        ]
        let (grid, _) = ConsoleScreen.render(model, ConsoleState(), width: 80, height: 24)
        #expect(grid.line(2).hasPrefix(" NOTE 2s ago · train-1  restarted"))
        #expect(grid.line(3).hasPrefix(" NOTE 9s ago  incident"))
        #expect(grid.line(4).contains("JOBS"), "the old note is not drawn: \(grid.line(4))")
    }

    /// At the smallest size every view still draws, under the newest note alone.
    @Test(arguments: ViewID.allCases)
    func aShortTerminalShowsOnlyTheNewestNote(_ view: ViewID) {
        var model = model(noteAgeNs: 1_000_000_000)
        model.summary.notes += (1...5).map {
            ClusterEvent(id: 41 - Int64($0), wallNs: now - 2_000_000_000, kind: OperatorNote.kind, node: nil, job: nil, message: "older \($0)")
        }
        var state = ConsoleState()
        state.show(view == .evidence ? .incidents : view)
        if view == .evidence {
            state.incidentID = 12
            state.push(.evidence)
        }
        let (grid, layout) = ConsoleScreen.render(model, state, width: ConsoleScreen.minimumWidth, height: ConsoleScreen.minimumHeight)
        #expect(grid.line(2).hasPrefix(" NOTE 1s ago"))
        #expect(!grid.line(3).contains("older"), "one note row at \(ConsoleScreen.minimumHeight) rows: \(grid.line(3))")
        #expect(layout.view == state.view)
    }

    @Test func aLongJobNameLeavesRoomForTheText() {
        var model = model(noteAgeNs: 0)
        model.summary.notes[0].job = String(repeating: "j", count: 63)
        let (grid, _) = ConsoleScreen.render(model, ConsoleState(), width: 80, height: 24)
        #expect(grid.line(2).hasPrefix(" NOTE 0s ago  FAULT: rank process 4242"), "\(grid.line(2))")
    }

    @Test func anOldNoteLeavesTheViewItsRow() {
        let old = ConsoleScreen.noteShownNs + 1_000_000_000
        let (grid, _) = ConsoleScreen.render(model(noteAgeNs: old), ConsoleState(), width: 80, height: 24)
        let (plain, _) = ConsoleScreen.render(ConsoleModel.synthetic(nodes: 4, ranksPerNode: 2), ConsoleState(), width: 80, height: 24)
        #expect(grid == plain)
    }

    @Test func aLongNoteIsClippedAtTheEdge() {
        let text = String(repeating: "界", count: OperatorNote.maxLength)
        let (grid, _) = ConsoleScreen.render(model(noteAgeNs: 0, text: text), ConsoleState(), width: 60, height: 12)
        let head = " NOTE 0s ago · train-1 · node3  "
        #expect(grid.line(2).hasPrefix(head + "界界"))
        #expect(grid.line(2).filter { $0 == "界" }.count == (60 - head.count) / 2, "as many wide characters as fit whole")
    }

    @Test func theTimelineMarksNotes() {
        var state = ConsoleState()
        state.show(.timeline)
        var model = model(noteAgeNs: 5_000_000_000)
        // A newer event holds the cursor (drawn as selected), so the note's row shows its own style.
        model.events.append(ClusterEvent(id: 42, wallNs: now, kind: "node.cordoned", node: "node3", job: nil, message: "cordoned"))
        let (grid, _) = ConsoleScreen.render(model, state, width: 120, height: 40)
        let row = (0..<40).first { grid.line($0).contains(" note ") }
        #expect(row.map { grid.line($0).contains("FAULT: rank process 4242") } == true)
        #expect(row.map { y in (0..<120).contains { grid[$0, y].style == .note } } == true)
    }
}
