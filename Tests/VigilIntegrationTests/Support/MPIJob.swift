import Foundation

/// An MPI program (vigil-train unless told otherwise) under a real
/// `mpirun`, with whatever environment the test gives the ranks.
final class MPIJob: @unchecked Sendable {
    let child: ChildProcess

    /// `untracedRanks` more ranks run the same program with VIGIL_DISABLE=1
    /// (an MPMD second app context): a job where telemetry is partial.
    /// `moreRanks` run it with an environment of their own on top (another
    /// agent's socket: ranks of another node on this host).
    init(ranks: Int, program: String = Paths.vigilTrain, arguments programArguments: [String],
         rankEnvironment: [String: String], untracedRanks: Int = 0,
         moreRanks: (count: Int, environment: [String: String])? = nil, directory: URL,
         label: String = "mpirun") throws {
        // Open MPI's shared-memory segments go in the test's directory, so a
        // job that dies leaves nothing behind in /dev/shm.
        var arguments = ["-np", "\(ranks)", "--oversubscribe", "--bind-to", "none",
                         "--mca", "mpi_yield_when_idle", "1",
                         "--mca", "btl_vader_backing_directory", directory.path]
        for (key, value) in rankEnvironment.sorted(by: { $0.key < $1.key }) {
            arguments += ["-x", "\(key)=\(value)"]
        }
        arguments += [program] + programArguments
        if untracedRanks > 0 {
            arguments += [":", "-np", "\(untracedRanks)", "/usr/bin/env", "VIGIL_DISABLE=1", program] + programArguments
        }
        if let moreRanks {
            arguments += [":", "-np", "\(moreRanks.count)", "/usr/bin/env"]
                + moreRanks.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } + [program] + programArguments
        }
        child = try ChildProcess("/usr/bin/mpirun", arguments,
                                 environment: ["OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"],
                                 outputDirectory: directory, label: label)
    }

    func finish(timeout: Duration = .seconds(120)) async -> Int32? {
        let status = await child.wait(timeout: timeout)
        if status == nil { await child.stop() }
        return status
    }

    /// The `VIGIL_TRAIN_RESULT` line rank 0 printed.
    var result: String? {
        child.stdout.split(separator: "\n").first { $0.hasPrefix("VIGIL_TRAIN_RESULT") }.map(String.init)
    }

    /// Per rank, the calls vigil-train says it made.
    func reports() throws -> [Int: TrainReport] {
        var out: [Int: TrainReport] = [:]
        for line in child.stdout.split(separator: "\n") where line.hasPrefix("VIGIL_TRAIN_REPORT ") {
            let report = try JSONDecoder().decode(TrainReport.self, from: Data(line.dropFirst(19).utf8))
            out[report.rank] = report
        }
        return out
    }
}

struct TrainReport: Decodable {
    var rank: Int
    var world: [String: UInt64]
    var tp: [String: UInt64]?
    var p2p: [String: UInt64]
}
