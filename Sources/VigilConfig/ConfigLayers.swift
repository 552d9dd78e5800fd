/// How a program's flags come together (docs/configuration.md): the
/// defaults, then the config file's section, then `VIGIL_<SECTION>_<KEY>`
/// variables, then the command line. A flag a later layer gives replaces
/// whatever the earlier layers gave for it, lists included.
public enum ConfigLayers {
    /// The flags the environment gives `section`: `VIGIL_SERVER_HANG_FLOOR=5` is `--hang-floor 5`.
    public static func environment(_ variables: [String: String], section: String) -> [ConfigFile.Entry] {
        let prefix = "VIGIL_\(section.uppercased())_"
        return variables.keys.sorted().compactMap { name in
            guard name.hasPrefix(prefix), name.count > prefix.count, let value = variables[name] else { return nil }
            let key = name.dropFirst(prefix.count).lowercased().replacing("_", with: "-")
            return ConfigFile.Entry(key: key, arguments: ["--" + key, value], line: 0)
        }
    }

    /// The arguments to parse: file, environment and command line, later layers winning.
    public static func arguments(file: [ConfigFile.Entry], environment: [ConfigFile.Entry], commandLine: [String]) -> [String] {
        let given = flags(in: commandLine)
        let fromEnvironment = environment.filter { !given.contains($0.key) }
        let overridden = given.union(fromEnvironment.map(\.key))
        let fromFile = file.filter { !overridden.contains($0.key) }
        return (fromFile + fromEnvironment).flatMap(\.arguments) + commandLine
    }

    /// The long flags a command line names (`--key` and `--key=value`), up to a `--`.
    static func flags(in arguments: [String]) -> Set<String> {
        var out = Set<String>()
        for argument in arguments {
            if argument == "--" { break }
            guard argument.hasPrefix("--") else { continue }
            out.insert(String(argument.dropFirst(2).prefix { $0 != "=" }))
        }
        return out
    }

    /// `--config PATH` or `--config=PATH` on the command line.
    public static func explicitFile(in arguments: [String]) -> String? {
        for (index, argument) in arguments.enumerated() {
            if argument == "--" { break }
            if argument == "--config", index + 1 < arguments.count { return arguments[index + 1] }
            if argument.hasPrefix("--config=") { return String(argument.dropFirst(9)) }
        }
        return nil
    }
}
