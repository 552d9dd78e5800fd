import NIOCore
import Synchronization
import VigilCore
import VigilWire

/// Counts every frame an agent sends as its heartbeat the moment it
/// arrives, before it waits its turn behind the store: a node is down when
/// it falls silent, never because the server was slow to get to its batches.
final class HeartbeatHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = Frame
    typealias InboundOut = Frame

    private let detector: DetectorService
    /// The agent's node, once its hello was accepted.
    private let node = Mutex<String?>(nil)

    init(detector: DetectorService) {
        self.detector = detector
    }

    func accepted(node: String) {
        self.node.withLock { $0 = node }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if let node = node.withLock({ $0 }) { detector.heartbeat(node: node, atNs: wallClockNanoseconds()) }
        context.fireChannelRead(data)
    }
}
