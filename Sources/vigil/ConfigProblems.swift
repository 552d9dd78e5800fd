import VigilConfig

/// Every problem of a config file, one per line.
struct ConfigProblems: Error, CustomStringConvertible {
    var all: [ConfigProblem]
    var description: String { all.map(\.description).joined(separator: "\n") }
}
