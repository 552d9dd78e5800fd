import Foundation

/// The same work on many hosts at once: at most `limit` in flight, each on
/// a thread of its own (libssh blocks, and blocking the concurrency pool
/// would stall everything else), one result per host in the given order.
public enum SSHFanOut {
    public static func run<Result: Sendable>(
        _ hosts: [String], limit: Int, _ body: @escaping @Sendable (String) throws -> Result
    ) async -> [(host: String, result: Swift.Result<Result, any Error>)] {
        var results = [Swift.Result<Result, any Error>?](repeating: nil, count: hosts.count)
        await withTaskGroup(of: (Int, Swift.Result<Result, any Error>).self) { group in
            var next = 0
            func startNext() {
                guard next < hosts.count else { return }
                let index = next, host = hosts[index]
                next += 1
                group.addTask { (index, await onOwnThread { try body(host) }) }
            }
            for _ in 0..<max(1, limit) { startNext() }
            for await (index, result) in group {
                results[index] = result
                startNext()
            }
        }
        return zip(hosts, results).map { ($0, $1!) }
    }

    static func onOwnThread<Value: Sendable>(
        _ work: @escaping @Sendable () throws -> Value
    ) async -> Swift.Result<Value, any Error> {
        await withCheckedContinuation { done in
            let thread = Thread {
                SSHLog.attach()
                done.resume(returning: Swift.Result { try work() })
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }
}
