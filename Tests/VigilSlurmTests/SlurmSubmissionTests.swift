import Testing
import VigilCore
@testable import VigilSlurm

struct SlurmSubmissionTests {
    static func spec(job: String = "train-1", hosts: [HostSlots] = [.init(host: "node1", slots: 2), .init(host: "node3", slots: 1)],
                     command: [String] = ["/opt/train", "--steps", "100"]) -> RunSpec {
        RunSpec(job: job, attempt: 3, hosts: hosts, command: command, environment: ["TOKEN": "s3cret"],
                libvigil: "/opt/vigil/libvigil.so")
    }

    @Test func anAttemptIsAnAllocationOfItsHostsRunningItsMpirun() throws {
        let submission = SlurmSubmission(spec: Self.spec(), partition: "gpu", outputDirectory: "/var/tmp/vigil")
        let argv = try submission.argv(scriptPath: "/var/lib/vigil/vigil-attempt.sh")
        #expect(Array(argv.prefix(9)) == [
            "sbatch", "--parsable", "--job-name=vigil-train-1-a3", "--nodes=2", "--nodelist=node1,node3",
            "--ntasks-per-node=2", "--output=/var/tmp/vigil/vigil-train-1-a3.%j.out", "--export=ALL", "--partition=gpu",
        ])
        #expect(Array(argv.dropFirst(9).prefix(8)) == ["/var/lib/vigil/vigil-attempt.sh", "mpirun", "--mca", "rmaps", "seq",
                                                       "--host", "node1,node1,node3", "-np"])
        #expect(Array(argv.dropFirst(9)) == ["/var/lib/vigil/vigil-attempt.sh"] + Self.spec().mpirunArgvInHostOrder)
        #expect(!argv.joined(separator: " ").contains("s3cret"), "the environment's values stay out of argv")
        #expect(submission.environment["TOKEN"] == "s3cret")
    }

    /// The command reaches mpirun as argv through the script's "$@": a
    /// hostile argument is data, never shell text.
    @Test func theScriptOnlyRunsItsArguments() {
        let lines = SlurmSubmission.script.split(separator: "\n")
        #expect(lines.first == "#!/bin/sh")
        #expect(lines.last == "exec \"$@\"")
    }

    @Test(arguments: ["a;b", "$(reboot)", "x y", "j\nk", "'q'", ""])
    func hostileJobNamesAreRefused(job: String) {
        let submission = SlurmSubmission(spec: Self.spec(job: job), outputDirectory: "/tmp")
        #expect(throws: SlurmError.self) { try submission.argv(scriptPath: "/s") }
    }

    @Test(arguments: ["node1;reboot", "$(id)", "node 2", "-n", "a,b"])
    func hostileHostsAreRefused(host: String) {
        let submission = SlurmSubmission(spec: Self.spec(hosts: [.init(host: host, slots: 1)]), outputDirectory: "/tmp")
        #expect(throws: SlurmError.self) { try submission.argv(scriptPath: "/s") }
    }

    @Test func hostileCommandsPassAsPlainArguments() throws {
        let command = ["/bin/echo", "$(reboot)", "a;b", "it's", "line\nbreak"]
        let argv = try SlurmSubmission(spec: Self.spec(command: command), outputDirectory: "/tmp").argv(scriptPath: "/s")
        #expect(Array(argv.suffix(command.count)) == command)
    }

    @Test func aPartitionOrOutputDirectoryThatIsNotPlainIsRefused() {
        #expect(throws: SlurmError.self) {
            try SlurmSubmission(spec: Self.spec(), partition: "a b", outputDirectory: "/tmp").validate()
        }
        #expect(throws: SlurmError.self) {
            try SlurmSubmission(spec: Self.spec(), outputDirectory: "relative/dir").validate()
        }
        #expect(throws: SlurmError.self) {
            try SlurmSubmission(spec: Self.spec(), outputDirectory: "/tmp/a\nb").validate()
        }
    }
}
