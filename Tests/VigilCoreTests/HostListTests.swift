import Testing
import Foundation
import VigilCore

struct HostListTests {
    @Test func listsAndFilesGiveHostsWithSlots() throws {
        #expect(try HostList.parse(list: "node1,node2:4,10.0.0.7", defaultSlots: 2)
                == [HostSlots(host: "node1", slots: 2), HostSlots(host: "node2", slots: 4), HostSlots(host: "10.0.0.7", slots: 2)])
        let file = """
            # training hosts
            gpu-a1 slots=8
            gpu-a2:8   # rack 2

            fe80::1
            """
        #expect(try HostList.parse(file: file, defaultSlots: 1)
                == [HostSlots(host: "gpu-a1", slots: 8), HostSlots(host: "gpu-a2", slots: 8), HostSlots(host: "fe80::1", slots: 1)])
    }

    @Test(arguments: [
        ("node1;reboot", "is not a host name"), ("$(id)", "is not a host name"), ("`id`", "is not a host name"),
        ("-oProxyCommand=x", "is not a host name"), ("a b", "expected 'slots=N'"), ("node1:0", "slots must be 1-4096"),
        ("node1,node1", "listed twice"), ("", "is not a host name"), ("node'1", "is not a host name"),
    ])
    func refusesWhatIsNotAHost(_ list: String, _ reason: String) {
        #expect(throws: HostListError.self) { try HostList.parse(list: list, defaultSlots: 1) }
        do {
            _ = try HostList.parse(list: list, defaultSlots: 1)
        } catch {
            #expect(error.description.contains(reason), "\(list): \(error)")
        }
    }

    @Test func anEmptyFileIsAnError() {
        #expect(throws: HostListError.invalid("no hosts given")) { try HostList.parse(file: "# nothing\n\n", defaultSlots: 1) }
    }
}

struct RunSpecTests {
    private let spec = RunSpec(job: "train-1", attempt: 2, hosts: [HostSlots(host: "a", slots: 2), HostSlots(host: "b", slots: 3)],
                               command: ["/opt/train", "--lr", "0.1"], environment: ["NCCL_DEBUG": "WARN"],
                               mpirunArguments: ["--bind-to", "none"], libvigil: "/opt/vigil/libvigil.so")

    @Test func mpirunGetsHostsRanksEnvironmentAndLibvigil() throws {
        try spec.validate()
        #expect(spec.mpirunArgv == ["mpirun", "--host", "a:2,b:3", "-np", "5", "-x", "VIGIL_JOB_ID=train-1",
                                    "-x", "VIGIL_ATTEMPT=2", "-x", "LD_PRELOAD=/opt/vigil/libvigil.so", "-x", "NCCL_DEBUG", "--bind-to", "none",
                                    "/opt/train", "--lr", "0.1"], "values of the job's environment stay out of argv")
    }

    @Test func refusesWhatCannotBeRun() {
        var bad = [spec, spec, spec, spec, spec]
        bad[0].job = "a/b"
        bad[1].command = []
        bad[2].environment = ["1X": "y"]
        bad[3].hosts = [HostSlots(host: "a b", slots: 1)]
        bad[4].command = ["/bin/echo", "nul\0byte"]
        for spec in bad {
            #expect(throws: RunSpecError.self) { try spec.validate() }
        }
    }

    /// Jobs start and stop through the server (JobControl), never on the agent's socket.
    @Test func theAgentSocketStartsAndStopsNothing() {
        for line in ["RUN {}", "STOP job=train-1 grace=5000"] {
            #expect(throws: AgentRequestError.self) { try AgentRequest(line: line) }
        }
    }
}
