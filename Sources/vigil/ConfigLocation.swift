import Foundation
import VigilConfig

/// Where the config file is, and reading it.
enum ConfigLocation {
    static let system = "/etc/vigil/vigil.yaml"

    /// $VIGIL_CONFIG (`none`: no file at all), else /etc/vigil/vigil.yaml when it exists.
    static func path(environment: [String: String]) -> String? {
        if let path = environment["VIGIL_CONFIG"], !path.isEmpty { return path == "none" ? nil : path }
        return FileManager.default.fileExists(atPath: system) ? system : nil
    }

    static func read(_ path: String) throws(ConfigProblems) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ConfigProblems(all: [ConfigProblem(file: path, line: nil, message: "cannot read: \(String(cString: strerror(errno)))")])
        }
        defer { try? handle.close() }
        do {
            return String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
        } catch {
            throw ConfigProblems(all: [ConfigProblem(file: path, line: nil, message: "cannot read: \(error.localizedDescription)")])
        }
    }

    static func load(_ path: String) throws(ConfigProblems) -> ConfigFile {
        let (config, problems) = ConfigFile.parse(try read(path), file: path)
        guard problems.isEmpty else { throw ConfigProblems(all: problems) }
        return config
    }
}
