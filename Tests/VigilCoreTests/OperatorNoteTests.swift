import Testing
import VigilCore

/// A note is one printable line: a console draws it as it is.
struct OperatorNoteTests {
    @Test func keepsTheTextTrimmedWithItsJobAndNode() throws {
        let note = try OperatorNote(text: "  draining node3 — DIMM swap ✓ \n", job: "train-1", node: "node3")
        #expect(note.text == "draining node3 — DIMM swap ✓")
        #expect(note.job == "train-1" && note.node == "node3")
        #expect(try OperatorNote(text: String(repeating: "é", count: OperatorNote.maxLength)).text.count == OperatorNote.maxLength)
    }

    @Test(arguments: [
        ("", nil, nil, NoteError.emptyText),
        ("   ", nil, nil, .emptyText),
        (String(repeating: "x", count: OperatorNote.maxLength + 1), nil, nil, .tooLong(OperatorNote.maxLength + 1)),
        ("two\nlines", nil, nil, .controlCharacter),
        ("red \u{1B}[31m text", nil, nil, .controlCharacter),
        ("a\ttab", nil, nil, .controlCharacter),
        ("c1 \u{9B}2J", nil, nil, .controlCharacter),
        ("evil \u{202E}txt.exe", nil, nil, .controlCharacter),
        ("zero\u{200B}width", nil, nil, .controlCharacter),
        ("\u{00A0}\u{00A0}", nil, nil, .emptyText),
        ("fine", "job;rm", nil, .badName("job")),
        ("fine", nil, "..", .badName("node")),
    ] as [(String, String?, String?, NoteError)])
    func refuses(text: String, job: String?, node: String?, expected: NoteError) {
        #expect(throws: expected) { try OperatorNote(text: text, job: job, node: node) }
    }
}
