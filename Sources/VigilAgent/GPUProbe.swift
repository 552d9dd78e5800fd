import Foundation
import VigilCore

/// GPU figures from `nvidia-smi` when the node has one; none otherwise.
/// No accelerator is needed to build or test: the parser is pure.
struct GPUProbe {
    private let executable: String?

    init(path: String = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin") {
        executable = path.split(separator: ":").map { "\($0)/nvidia-smi" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    func sample() -> [NodeHealth.GPU] {
        guard let executable else { return [] }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--query-gpu=index,utilization.gpu,memory.used,temperature.gpu",
                             "--format=csv,noheader,nounits"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return [] }
        // A wedged driver can hang nvidia-smi: never let it stall heartbeats.
        let deadline = ContinuousClock.now + .seconds(2)
        while process.isRunning && ContinuousClock.now < deadline { usleep(10_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return []
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()  // a few lines: fits the pipe
        return process.terminationStatus == 0 ? Self.parse(String(decoding: data, as: UTF8.self)) : []
    }

    /// `index, utilization %, memory used MiB, temperature °C` per line;
    /// lines that do not parse (e.g. "[N/A]") are skipped.
    static func parse(_ text: String) -> [NodeHealth.GPU] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == 4, let index = Int(fields[0]), let utilization = Int(fields[1]),
                  let memoryMiB = UInt64(fields[2]), let temperature = Int(fields[3]),
                  (0...1_023).contains(index), (0...100).contains(utilization), (-100...200).contains(temperature)
            else { return nil }
            return NodeHealth.GPU(index: index, utilizationPercent: utilization, memoryUsedBytes: memoryMiB << 20,
                                  temperatureCelsius: temperature)
        }
    }
}
