import Dispatch
import Glibc
import Synchronization

/// SIGINT, SIGTERM and SIGHUP as a flag the console's loop reads: the
/// signal is taken from its default action, so the loop ends and restores
/// the terminal instead of the process dying with the terminal still taken.
final class StopSignals: Sendable {
    private let received = Atomic<Int32>(0)
    nonisolated(unsafe) private var sources: [DispatchSourceSignal] = []

    init() {
        for signal in [SIGINT, SIGTERM, SIGHUP] {
            Glibc.signal(signal, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signal, queue: .global())
            source.setEventHandler { [self] in received.store(signal, ordering: .relaxed) }
            source.resume()
            sources.append(source)
        }
    }

    /// The signal that asked to stop, if one did.
    var signal: Int32? {
        let value = received.load(ordering: .relaxed)
        return value == 0 ? nil : value
    }
}
