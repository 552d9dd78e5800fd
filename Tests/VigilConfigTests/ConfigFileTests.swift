import Testing
import VigilConfig

struct ConfigFileTests {
    static let sample = """
        server:
          listen: 0.0.0.0:7077
          recovery: automatic
          spares: [node9, node10]
          keep-raw-hours: 12
        agent:
          server: vigil-1:7077
          metrics: 0.0.0.0:7081
        console:
          theme: mono
        """

    @Test func sectionsBecomeTheirProgramsFlags() {
        let (config, problems) = ConfigFile.parse(Self.sample, file: "vigil.yaml")
        #expect(problems.isEmpty, "\(problems)")
        #expect(config.sections["server"]?.map(\.arguments) == [["--listen", "0.0.0.0:7077"], ["--recovery", "automatic"],
                                                                ["--spares", "node9", "--spares", "node10"],
                                                                ["--keep-raw-hours", "12"]])
        #expect(config.sections["server"]?.map(\.line) == [2, 3, 4, 5], "lines count from 1")
        #expect(config.sections["agent"]?.first?.arguments == ["--server", "vigil-1:7077"])
        #expect(config.console?.theme == .mono)
    }

    @Test func trueIsTheFlagAndFalseIsNothing() {
        let (config, problems) = ConfigFile.parse("agent:\n  deploy: true\n  quiet: false\n  name: 'true'\n  recovery: off\n  on: no\n",
                                                  file: "f")
        #expect(problems.isEmpty)
        #expect(config.sections["agent"]?.map(\.arguments) == [["--deploy"], [], ["--name", "true"], ["--recovery", "off"], ["--on", "no"]],
                "off and no are values, not YAML 1.1 booleans")
    }

    @Test(arguments: [
        ("server:\n  listen: [a\n", 3, "not YAML"),
        ("servr:\n  listen: x\n", 1, "unknown section 'servr' (sections: server, agent, console)"),
        ("server: 5\n", 1, "server must map flags to values, found a value"),
        ("server:\n  Listen: x\n", 2, "'Listen' is not a flag name"),
        ("server:\n  spares:\n    - {a: b}\n", 3, "a list must hold plain values, found a mapping"),
        ("console:\n  theme: neon\n", 2, "console: theme must be one of"),
    ])
    func mistakesNameTheirLine(_ text: String, _ line: Int, _ reason: String) {
        let (_, problems) = ConfigFile.parse(text, file: "vigil.yaml")
        #expect(problems.count == 1, "\(problems)")
        #expect(problems.first?.line == line && problems.first?.file == "vigil.yaml", "\(problems)")
        #expect(problems.first?.message.contains(reason) == true, "\(problems)")
    }

    @Test func flagsBeatTheEnvironmentWhichBeatsTheFile() {
        let (config, _) = ConfigFile.parse(Self.sample, file: "f")
        let file = config.sections["server"] ?? []
        let environment = ConfigLayers.environment(["VIGIL_SERVER_RECOVERY": "dry-run", "VIGIL_SERVER_KEEP_RAW_HOURS": "6",
                                                    "VIGIL_AGENT_METRICS": "x:1", "VIGIL_TOKEN": "t"], section: "server")
        #expect(environment.map(\.arguments) == [["--keep-raw-hours", "6"], ["--recovery", "dry-run"]])
        let arguments = ConfigLayers.arguments(file: file, environment: environment,
                                               commandLine: ["--recovery=approval", "--spares", "n1"])
        #expect(arguments == ["--listen", "0.0.0.0:7077", "--keep-raw-hours", "6", "--recovery=approval", "--spares", "n1"],
                "a list the command line gives replaces the file's")
    }

    @Test func theConfigFlagIsFoundBeforeParsing() {
        #expect(ConfigLayers.explicitFile(in: ["--listen", "x", "--config", "/etc/v.yaml"]) == "/etc/v.yaml")
        #expect(ConfigLayers.explicitFile(in: ["--config=/a.yaml"]) == "/a.yaml")
        #expect(ConfigLayers.explicitFile(in: ["--", "--config", "x"]) == nil)
    }
}
