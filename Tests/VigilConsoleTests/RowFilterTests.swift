import Testing
import VigilConsole

struct RowFilterTests {
    func matches(_ typed: String, _ text: String) throws -> Bool {
        let filter = try #require(RowFilter(typed))
        return try filter.matcher().get()(text)
    }

    @Test func regexIsCaseInsensitiveAndBangInverts() throws {
        #expect(try matches("NODE[0-9]+", "node12 up"))
        #expect(try !matches("!node", "node12 up"))
        #expect(try matches("!gpu", "node12 up"))
        #expect(RowFilter("") == nil && RowFilter("!") == nil)
    }

    @Test func invalidPatternsAreSaidSo() {
        #expect(RowFilter("a(")?.isValid == false)
        #expect(RowFilter("a(b)")?.isValid == true)
    }

    @Test func escapedTextMatchesItself() throws {
        #expect(try matches("^" + RowFilter.escaped("sim.0[1]") + "$", "sim.0[1]"))
        #expect(try !matches("^" + RowFilter.escaped("sim.01") + "$", "simx01"))
    }
}
