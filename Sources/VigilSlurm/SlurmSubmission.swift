import VigilCore

/// One attempt as an `sbatch` submission: an allocation of exactly the
/// attempt's hosts, whose batch step runs the attempt's mpirun (Open MPI
/// reads the allocation and starts its daemons with srun), ranks placed in
/// the hosts' order, contiguous per host. The mpirun
/// command line travels as the batch script's arguments and the job's
/// environment as sbatch's own (`--export=ALL`), so no value is ever parsed
/// by a shell, and a token in the environment never shows in `ps`.
public struct SlurmSubmission: Sendable, Equatable {
    public var spec: RunSpec
    /// Slurm partition; nil: the cluster's default.
    public var partition: String?
    /// Where the batch step's output goes (on the batch host): one file an attempt.
    public var outputDirectory: String

    /// The batch script: it only runs its arguments.
    public static let script = """
        #!/bin/sh
        # vigil: an attempt's mpirun, inside the allocation Slurm made for it
        exec "$@"

        """

    public init(spec: RunSpec, partition: String? = nil, outputDirectory: String) {
        self.spec = spec
        self.partition = partition
        self.outputDirectory = outputDirectory
    }

    /// `vigil-JOB-aN`: what `squeue` shows, and how Vigil finds its attempts again.
    public var jobName: String { "vigil-\(spec.job)-a\(spec.attempt)" }

    public var outputPath: String { "\(outputDirectory)/\(jobName).%j.out" }

    public func validate() throws(SlurmError) {
        do {
            try spec.validate()
        } catch {
            throw .invalid(error.description)
        }
        if let partition, !SafeName.isValid(partition) { throw .invalid("partition must be \(SafeName.rule)") }
        guard outputDirectory.hasPrefix("/"), !outputDirectory.utf8.contains(0), !outputDirectory.contains("\n"),
              outputDirectory.utf8.count <= 1_024 else {
            throw .invalid("the output directory must be an absolute path of one line")
        }
    }

    /// sbatch's argv, with the script at `scriptPath`; validated first.
    public func argv(sbatch: String = "sbatch", scriptPath: String) throws(SlurmError) -> [String] {
        try validate()
        var argv = [sbatch, "--parsable", "--job-name=\(jobName)", "--nodes=\(spec.hosts.count)",
                    "--nodelist=\(spec.hosts.map(\.host).joined(separator: ","))",
                    "--ntasks-per-node=\(spec.hosts.map(\.slots).max() ?? 1)",
                    "--output=\(outputPath)", "--export=ALL"]
        if let partition { argv.append("--partition=\(partition)") }
        return argv + [scriptPath] + spec.mpirunArgvInHostOrder
    }

    /// The environment sbatch runs with: the job's, and what every rank needs.
    public var environment: [String: String] { spec.environment }
}
