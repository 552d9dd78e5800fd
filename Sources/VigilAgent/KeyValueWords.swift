/// `key=value` words separated by spaces, as the ranks' checkpoint lines
/// (CheckpointLine) and the buddy shard header (BuddyShard) carry them.
enum KeyValueWords {
    /// The fields of `words`, or the first word that is not `key=value`.
    static func parse(_ words: some Sequence<Substring>) -> Result<[String: String], KeyValueWordsError> {
        var fields: [String: String] = [:]
        for word in words {
            guard let eq = word.firstIndex(of: "=") else { return .failure(KeyValueWordsError(word: String(word.prefix(40)))) }
            fields[String(word[..<eq])] = String(word[word.index(after: eq)...])
        }
        return .success(fields)
    }
}

struct KeyValueWordsError: Error {
    var word: String
}
