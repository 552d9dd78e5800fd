import Logging
import ServiceLifecycle
import Synchronization
import VigilAlerts
import VigilCore

/// Sends alert events to their targets (docs/recovery.md) without ever
/// holding up the detector or recovery: `send` only queues; each target
/// has a task of its own that delivers in order, with retries and backoff,
/// and records every delivery (or its failure) in the store. One trigger
/// and one resolve per incident key.
public final class AlertDispatcher: Service, Sendable {
    public let targets: [AlertTarget]
    private let store: any TelemetryStore
    private let logger: Logger
    private let queues: [AsyncStream<AlertEvent>.Continuation]
    private let streams: Mutex<[AsyncStream<AlertEvent>]>
    private let sent = Mutex<[String: AlertEvent.Action]>([:])

    static let attempts = 4
    static let timeout: Duration = .seconds(10)
    /// Events waiting per target at most; beyond, the oldest are dropped (and logged).
    static let backlog = 1_000

    public init(targets: [AlertTarget], store: any TelemetryStore, logger: Logger) {
        self.targets = targets
        self.store = store
        self.logger = logger
        var queues: [AsyncStream<AlertEvent>.Continuation] = []
        var streams: [AsyncStream<AlertEvent>] = []
        for _ in targets {
            let (stream, continuation) = AsyncStream.makeStream(of: AlertEvent.self, bufferingPolicy: .bufferingNewest(Self.backlog))
            streams.append(stream)
            queues.append(continuation)
        }
        self.queues = queues
        self.streams = Mutex(streams)
    }

    /// Queues `event` for the targets that want it; returns at once.
    public func send(_ event: AlertEvent) {
        let first = sent.withLock { sent in
            // A trigger once; a resolve once, and only of what was triggered.
            guard sent[event.key] != event.action, event.action == .trigger || sent[event.key] == .trigger else { return false }
            sent[event.key] = event.action
            return true
        }
        guard first else { return }
        for (target, queue) in zip(targets, queues) where target.wants(event) {
            if case .dropped(let old) = queue.yield(event) {
                logger.error("alert dropped: its target is far behind", metadata: ["target": "\(target.name)", "key": "\(old.key)"])
            }
        }
    }

    public func run() async throws {
        let streams = self.streams.withLock { $0 }
        // Shutdown cancels deliveries under way too: a hook that hangs is killed, not waited for.
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for (target, stream) in zip(self.targets, streams) {
                    group.addTask { for await event in stream where !Task.isCancelled { await self.deliver(event, to: target) } }
                }
            }
        }
    }

    private func deliver(_ event: AlertEvent, to target: AlertTarget) async {
        var failure = ""
        for attempt in 1...Self.attempts where !Task.isCancelled {
            do throws(WebhookError) {
                try await Self.deliverOnce(event, to: target)
                await record(event, target, delivered: true, attempts: attempt, detail: "")
                return
            } catch {
                failure = error.description
            }
            if attempt < Self.attempts { try? await Task.sleep(for: .seconds(1 << (attempt - 1))) }
        }
        logger.error("alert not delivered", metadata: ["target": "\(target.name)", "key": "\(event.key)", "reason": "\(failure)"])
        await record(event, target, delivered: false, attempts: Self.attempts, detail: failure)
    }

    static func deliverOnce(_ event: AlertEvent, to target: AlertTarget) async throws(WebhookError) {
        switch target.kind {
        case .exec(let path): try await ExecHook.run(path, event, timeout: timeout)
        case .alertmanager(let url):
            try await WebhookPoster.post(AlertPayloads.alertmanager(event), to: url + "/api/v2/alerts", timeout: timeout)
        case .slack(let url): try await WebhookPoster.post(AlertPayloads.slack(event), to: url, timeout: timeout)
        case .pagerDuty(let url, let key):
            try await WebhookPoster.post(AlertPayloads.pagerDuty(event, routingKey: key), to: url, timeout: timeout)
        }
    }

    private func record(_ event: AlertEvent, _ target: AlertTarget, delivered: Bool, attempts: Int, detail: String) async {
        do {
            try await store.recordAlertDelivery(key: event.key, job: event.incident.job, target: target.name,
                                                action: event.action.rawValue, delivered: delivered, attempts: attempts,
                                                detail: detail, atNs: wallClockNanoseconds())
        } catch {
            logger.error("alert delivery not stored", metadata: ["key": "\(event.key)", "reason": "\(error)"])
        }
    }
}
