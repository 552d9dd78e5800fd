import Testing
import VigilConsole

struct ConsoleSettingsTests {
    @Test func aGoodFileSetsEverything() throws {
        let yaml = """
            refresh: 0.5
            theme: mono
            api: 10.0.0.1:7078
            columns:
              nodes: [NODE, STATE, CPU]
            """
        let settings = try ConsoleSettings.parse(yaml, file: "console.yaml").get()
        #expect(settings.refreshSeconds == 0.5 && settings.theme == .mono && settings.api == "10.0.0.1:7078")
        #expect(settings.columns[.nodes] == ["NODE", "STATE", "CPU"])
    }

    @Test func everyMistakeIsNamedWithItsLine() {
        let yaml = """
            refresh: fast
            theme: neon
            colour: red
            columns:
              nodes: [NODE, WATTS]
            """
        guard case .failure(let problems) = ConsoleSettings.parse(yaml, file: "c.yaml") else {
            Issue.record("accepted")
            return
        }
        #expect(problems.all.map(\.line) == [1, 2, 3, 5])
        #expect(problems.description.contains("c.yaml:1: refresh must be seconds from 0.2 to 60.0, not 'fast'"))
        #expect(problems.description.contains("c.yaml:5: nodes has no column WATTS"))
    }

    @Test func notYAMLAtAllSaysWhere() {
        guard case .failure(let problems) = ConsoleSettings.parse("refresh: [1,\n", file: "c.yaml") else {
            Issue.record("accepted")
            return
        }
        #expect(problems.all.first?.line != nil)
        #expect(problems.description.contains("not YAML"))
    }

    @Test func chosenColumnsAreDrawnInTheirOrder() {
        var settings = ConsoleSettings()
        settings.columns[.nodes] = ["CPU", "NODE"]
        var state = ConsoleState()
        state.show(.nodes)
        let (grid, _) = ConsoleScreen.render(.synthetic(nodes: 4, ranksPerNode: 2), state, width: 80, height: 24, settings: settings)
        #expect(grid.line(3).hasPrefix("  CPU NODE"))
        #expect(!grid.line(3).contains("STATE"))
    }
}
