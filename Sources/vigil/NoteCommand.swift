import ArgumentParser
import Foundation
import VigilCore

/// `vigil note TEXT`: a line on the cluster's timeline that every `vigil top`
/// shows over its views for a while ("draining node3", "fault drill now").
struct NoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "note", abstract: "Write a note on the cluster's timeline; every vigil top shows it over its views.",
        discussion: """
            One line of at most \(OperatorNote.maxLength) printable characters, shown for two minutes and kept on the \
            timeline. A change: it needs the shared token.
            """)
    @OptionGroup var api: APIOption
    @OptionGroup var token: TokenOption
    @Option(help: "The job it is about.") var job: String?
    @Option(help: "The node it is about.") var node: String?
    @Argument(help: ArgumentHelp("The note (words are joined with spaces).", valueName: "text")) var words: [String] = []

    func validate() throws { _ = try note() }

    func run() async throws {
        let event = try await api.client.addNote(try note(), token: try token.load())
        if api.json {
            print(String(decoding: try JSONEncoder().encode(event), as: UTF8.self))
        } else {
            print("note \(event.id) on the timeline")
        }
    }

    private func note() throws -> OperatorNote {
        do {
            return try OperatorNote(text: words.joined(separator: " "), job: job, node: node)
        } catch {
            throw ValidationError(error.description)
        }
    }
}
