import NIOCore
import Synchronization
import VigilWire

/// The agents connected now, where they connect from, and the frames
/// waiting to go to each (job controls, probe requests, checkpoint
/// commits): a frame queued wakes the agent's session, which sends it at
/// once rather than with its next acknowledgement (up to an uplink
/// interval later: a restart waited that long twice).
public final class AgentDirectory: Sendable {
    private struct Entry {
        var host: String
        /// Where at `host` its agent takes buddies' checkpoint shards; 0: it does not.
        var buddyPort: Int
        var session: Int
        var pending: [Frame] = []
        /// Tells the session that frames are pending.
        var wake: AsyncStream<Void>.Continuation
    }

    private struct State {
        var agents: [String: Entry] = [:]
        var sessions = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Returns the session number that `leave` wants back (a node's newer
    /// connection is not forgotten when an older one ends), and the wakes
    /// that say frames are pending for it.
    func join(_ node: String, from host: String, buddyPort: Int = 0) -> (session: Int, wakes: AsyncStream<Void>) {
        let (wakes, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        return state.withLock { s in
            s.sessions += 1
            s.agents[node]?.wake.finish()
            s.agents[node] = Entry(host: host, buddyPort: buddyPort, session: s.sessions, wake: wake)
            return (s.sessions, wakes)
        }
    }

    func leave(_ node: String, session: Int) {
        state.withLock { s in
            guard s.agents[node]?.session == session else { return }
            s.agents[node]?.wake.finish()
            s.agents[node] = nil
        }
    }

    /// Where each of `nodes` connects from, for those connected.
    func hosts(of nodes: [String]) -> [String: String] {
        state.withLock { s in
            var hosts: [String: String] = [:]
            for node in nodes { if let entry = s.agents[node], !entry.host.isEmpty { hosts[node] = entry.host } }
            return hosts
        }
    }

    /// Where `node`'s agent takes buddies' shards, if connected and it does.
    func buddyAddress(of node: String) -> (host: String, port: Int)? {
        state.withLock { s in
            guard let entry = s.agents[node], !entry.host.isEmpty, entry.buddyPort > 0 else { return nil }
            return (entry.host, entry.buddyPort)
        }
    }

    /// The nodes whose agents are connected now.
    public var connectedNodes: Set<String> { state.withLock { Set($0.agents.keys) } }

    /// How many agents are connected now.
    public var connected: Int { state.withLock { $0.agents.count } }

    /// Queues `frame` for `node`'s session, woken to send it; false when that agent is not connected.
    @discardableResult
    func send(_ frame: Frame, to node: String) -> Bool {
        state.withLock { s in
            guard s.agents[node] != nil else { return false }
            s.agents[node]!.pending.append(frame)
            s.agents[node]!.wake.yield()
            return true
        }
    }

    func pending(for node: String) -> [Frame] {
        state.withLock { s in
            defer { s.agents[node]?.pending = [] }
            return s.agents[node]?.pending ?? []
        }
    }
}
