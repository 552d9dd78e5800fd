import Foundation
import Testing
import VigilCore
@testable import VigilAgent

struct GPUProbeTests {
    @Test func parsesNvidiaSMIOutput() {
        let text = "0, 97, 71234, 71\n1, 3, 512, 35\n2, [N/A], 0, 30\n"
        #expect(GPUProbe.parse(text) == [
            NodeHealth.GPU(index: 0, utilizationPercent: 97, memoryUsedBytes: 71_234 << 20, temperatureCelsius: 71),
            NodeHealth.GPU(index: 1, utilizationPercent: 3, memoryUsedBytes: 512 << 20, temperatureCelsius: 35),
        ])
    }

    @Test func noNvidiaSMIMeansNoGPUs() {
        #expect(GPUProbe(path: "/nonexistent").sample().isEmpty)
    }
}

/// The real exec path, with stand-in `nvidia-smi` scripts.
struct GPUProbeProcessTests {
    private func withFakeSMI(_ script: String, _ body: (String) throws -> Void) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-smi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("nvidia-smi").path
        try ("#!/bin/sh\n" + script + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        try body(dir.path)
    }

    @Test func readsWhatNvidiaSMIPrints() throws {
        try withFakeSMI("echo '0, 50, 1024, 60'") { path in
            #expect(GPUProbe(path: path).sample().map(\.utilizationPercent) == [50])
        }
    }

    @Test func aHungNvidiaSMIIsKilledAndYieldsNothing() throws {
        try withFakeSMI("exec sleep 30") { path in
            #expect(GPUProbe(path: path).sample().isEmpty)
        }
    }
}
