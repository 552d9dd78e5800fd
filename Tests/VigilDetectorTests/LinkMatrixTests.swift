import Testing
@testable import VigilDetector

/// A communicator of two nodes has one probed pair, which cannot say which
/// end is slow; the pairs to the job's other nodes can.
struct LinkMatrixTests {
    static func matrix(_ rates: [(String, String, Double)]) -> LinkMatrix {
        var matrix = LinkMatrix()
        for (a, b, bytesPerSecond) in rates {
            matrix.observe(.init(a, b), bytes: 1 << 20, busyNs: UInt64(Double(1 << 20) / bytesPerSecond * 1e9), atNs: 10)
        }
        return matrix
    }

    static let rates: [(String, String, Double)] = [
        ("node1", "node3", 3e6), ("node2", "node3", 3e6), ("node3", "node4", 3e6),
        ("node1", "node2", 12e6), ("node1", "node4", 12e6), ("node2", "node4", 12e6),
    ]

    @Test func theJobsOtherNodesPlaceOneEndOfATwoNodeCommunicator() {
        let located = Self.matrix(Self.rates).suspects(among: ["node1", "node3"], peers: ["node1", "node2", "node3", "node4"],
                                                       sinceNs: 0, degraded: 0.5)
        #expect(located.nodes == ["node3"])
    }

    @Test func withoutThemTheOnePairPlacesNeitherEnd() {
        let located = Self.matrix(Self.rates).suspects(among: ["node1", "node3"], peers: [], sinceNs: 0, degraded: 0.5)
        #expect(located.nodes.isEmpty, "one pair against its own median is never below it")
    }
}
