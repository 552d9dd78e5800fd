/// The data sets the console fetches, each on its own: a view that shows
/// one of them says how old it is and why it is not newer.
public enum Feed: String, Sendable, CaseIterable, Hashable {
    case summary, nodes, ranks, collectives, links, incidents, events, runs, checkpoints, recoveries

    /// Fetched at most this often whatever the refresh (the server sums collectives over
    /// seconds and keeps the answer that long): stale is judged against it too.
    public var minimumPeriodNs: UInt64 { self == .collectives ? 5_000_000_000 : 0 }

    /// What "a refresh" is for this feed at the console's refresh.
    public func periodNs(refreshNs: UInt64) -> UInt64 { max(refreshNs, minimumPeriodNs) }
}

/// When a feed last arrived, and the last error since.
public struct FeedStatus: Sendable, Equatable {
    public var fetchedNs: UInt64?
    public var lastError: String?
    public var errorNs: UInt64?

    public init(fetchedNs: UInt64? = nil, lastError: String? = nil, errorNs: UInt64? = nil) {
        self.fetchedNs = fetchedNs
        self.lastError = lastError
        self.errorNs = errorNs
    }

    public mutating func succeeded(atNs: UInt64) {
        fetchedNs = atNs
        lastError = nil
        errorNs = nil
    }

    public mutating func failed(_ error: String, atNs: UInt64) {
        lastError = error
        errorNs = atNs
    }

    /// Stale once the last fetch failed, or data is older than three refreshes (and a second's grace).
    public func isStale(nowNs: UInt64, refreshNs: UInt64) -> Bool {
        guard let fetchedNs else { return lastError != nil }
        return lastError != nil || nowNs - min(nowNs, fetchedNs) > 3 * refreshNs + 1_000_000_000
    }
}
