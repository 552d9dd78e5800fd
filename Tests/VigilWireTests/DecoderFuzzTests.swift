import Foundation
import NIOCore
import Testing
import VigilCore
import VigilWire

/// A bounded fuzz run of every decoder: random bytes and mutated valid
/// frames must end in a frame, a `WireError` or a request for more bytes,
/// never in a crash or a hang.
struct DecoderFuzzTests {
    /// 100k in `make test`; `make fuzz` sets VIGIL_FUZZ_INPUTS=1000000.
    static let inputs = ProcessInfo.processInfo.environment["VIGIL_FUZZ_INPUTS"].flatMap(Int.init) ?? 100_000

    @Test func decodersSurviveHostileInput() {
        var rng = SplitMix64(seed: ProcessInfo.processInfo.environment["VIGIL_FUZZ_SEED"].flatMap(UInt64.init) ?? 0x5EED)
        let valid = [
            AgentHello(node: "node-1", instance: 7, token: Array("token".utf8)).frame,
            ServerWelcome(resumeAfter: 3).frame, Refusal(.badToken, "no").frame, BatchAck(through: 1 << 40).frame,
            Fixtures.batch.frame, TelemetryBatch(seq: 3, items: [.instances(Fixtures.instances)]).frame,
            Fixtures.probeRequest.frame,
        ].map { frame -> [UInt8] in
            var out = ByteBuffer()
            FrameEncoder.write(frame, into: &out)
            return Array(out.readableBytesView)
        }
        var outcomes = Outcomes()
        for index in 0..<Self.inputs {
            var bytes = index % 2 == 0 ? rng.bytes(count: Int(rng.next() % 48)) : valid[index % valid.count]
            if index % 2 == 1 {
                for _ in 0...(rng.next() % 4) where !bytes.isEmpty {
                    bytes[Int(rng.next() % UInt64(bytes.count))] ^= UInt8(truncatingIfNeeded: rng.next()) | 1
                }
            }
            outcomes.record(decodeAll(ByteBuffer(bytes: bytes)))
        }
        #expect(outcomes.total == Self.inputs)
        #expect(outcomes.decoded > 0 && outcomes.refused > 0, "the corpus exercises both paths: \(outcomes)")
    }

    /// Every frame in `buffer`, each through the decoder of its kind.
    private func decodeAll(_ input: ByteBuffer) -> Outcome {
        var buffer = input
        do {
            while let frame = try FrameDecoder.next(from: &buffer, maxLength: 1 << 16) {
                switch frame.kind {
                case .hello: _ = try AgentHello(frame: frame)
                case .welcome: _ = try ServerWelcome(frame: frame)
                case .refused: _ = try Refusal(frame: frame)
                case .ack: _ = try BatchAck(frame: frame)
                case .batch: _ = try TelemetryBatch(frame: frame)
                case .probeRequest: _ = try ProbeRequest(frame: frame)
                case .checkpointCommit: _ = try CheckpointLedger.Commit(frame: frame, node: "n")
                case .checkpointRemove: _ = try CheckpointRemoval(frame: frame)
                case .checkpointReplicate: _ = try CheckpointReplication(frame: frame)
                case .jobControl: _ = try JobControl(frame: frame)
                }
            }
            return buffer.readableBytes == 0 ? .decoded : .needsMore
        } catch {
            return .refused
        }
    }

    enum Outcome { case decoded, needsMore, refused }

    struct Outcomes: CustomStringConvertible {
        var decoded = 0, needsMore = 0, refused = 0
        var total: Int { decoded + needsMore + refused }
        mutating func record(_ outcome: Outcome) {
            switch outcome {
            case .decoded: decoded += 1
            case .needsMore: needsMore += 1
            case .refused: refused += 1
            }
        }
        var description: String { "decoded \(decoded), needs more \(needsMore), refused \(refused)" }
    }
}

/// Deterministic, so a failing input can be replayed.
extension SplitMix64 {
    mutating func bytes(count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) } }
}
