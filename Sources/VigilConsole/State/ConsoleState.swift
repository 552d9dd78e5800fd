/// Where the operator is: the view stack, each pane's cursor, filters and
/// sorts, the current job, and what keys mean now. A value: keys turn one
/// state into the next (`handle`), and views draw from it.
public struct ConsoleState: Sendable, Equatable {
    /// Drill-downs push, Esc pops; a number key or `:view` starts afresh.
    public private(set) var stack: [ViewID] = [.overview]
    public var mode: ConsoleMode = .normal
    public var panes: [PaneKey: PaneState] = [:]
    /// The focused pane of each view (Tab moves it).
    public var focus: [ViewID: Int] = [:]
    public var filters: [ViewID: RowFilter] = [:]
    /// The job the ranks, collectives, links and runs views show; the first job when nil.
    public var job: String?
    /// The incident the evidence view shows.
    public var incidentID: Int64?
    public var linkMetric: LinkMetric = .probeBandwidth
    public var flash: Flash?
    /// No action that changes the cluster is offered (`--readonly`, or a store opened for a postmortem).
    public let readOnly: Bool
    /// Why it is read-only, for the message that refuses an action.
    public let readOnlyReason: String

    public init(readOnly: Bool = false, readOnlyReason: String = "read-only console (--readonly)") {
        self.readOnly = readOnly
        self.readOnlyReason = readOnlyReason
    }

    public var view: ViewID { stack.last ?? .overview }

    public var focusedPane: Int { focus[view] ?? 0 }

    public func pane(_ view: ViewID, _ index: Int = 0) -> PaneState { panes[PaneKey(view, index)] ?? PaneState() }

    mutating func updatePane(_ view: ViewID, _ index: Int, _ change: (inout PaneState) -> Void) {
        change(&panes[PaneKey(view, index), default: PaneState()])
    }

    public mutating func push(_ next: ViewID) {
        if view != next { stack.append(next) }
    }

    public mutating func show(_ next: ViewID) { stack = [next] }

    mutating func pop() {
        if stack.count > 1 { stack.removeLast() } else if view != .overview { stack = [.overview] }
    }

    /// The job views show: the chosen one if the cluster still has it, else its first.
    public func currentJob(in model: ConsoleModel) -> String? {
        if let job, model.jobNames.contains(job) || model.jobNames.isEmpty { return job }
        return model.jobNames.first ?? job
    }

    /// The feeds to keep fresh for what is on screen.
    public var feeds: Set<Feed> { view.feeds }

    /// What the render saw of each pane (cursor clamped, scroll kept in view), kept for the next frame.
    public mutating func absorb(_ layout: ScreenLayout) {
        for (index, pane) in layout.panes.enumerated() {
            updatePane(layout.view, index) { state in
                state.cursor = pane.cursor
                state.scroll = pane.scroll
                if pane.ids.indices.contains(pane.cursor) { state.cursorID = pane.ids[pane.cursor] }
            }
        }
    }
}

/// What the links matrix colours by.
public enum LinkMetric: String, Sendable, CaseIterable {
    case probeBandwidth = "probe bandwidth"
    case probeLatency = "probe latency"
    case traffic = "point-to-point traffic"

    var next: LinkMetric {
        let all = Self.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }
}
