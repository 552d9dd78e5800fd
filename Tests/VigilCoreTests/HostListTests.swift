import Testing
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
