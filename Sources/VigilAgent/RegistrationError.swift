/// Why the agent refused a rank's registration (sent back as `ERROR <description>`).
public enum RegistrationError: Error, CustomStringConvertible {
    case noSuchProcess(Int32)
    case alreadyRegistered(Int32)
    case ring(String)
    case notPermitted

    public var description: String {
        switch self {
        case .noSuchProcess(let pid): "no process with pid \(pid) on this host"
        case .alreadyRegistered(let pid): "pid \(pid) is already registered"
        case .ring(let why): why
        case .notPermitted: "RUN and STOP are only for the agent's own user"
        }
    }
}
