/// What went wrong talking to Slurm, said so an operator can act on it.
public enum SlurmError: Error, Equatable, CustomStringConvertible {
    /// A value Vigil would have handed to Slurm is not acceptable.
    case invalid(String)
    /// The controller did not answer (down, unreachable, or timed out).
    case unreachable(String)
    /// A Slurm command refused: its name, exit status and what it said.
    case refused(command: String, status: Int32, message: String)
    /// A Slurm command answered with something Vigil cannot read.
    case unreadable(command: String, output: String)

    public var description: String {
        switch self {
        case .invalid(let why): "not sent to Slurm: \(why)"
        case .unreachable(let why): "the Slurm controller does not answer: \(why)"
        case .refused(let command, let status, let message): "\(command) refused (exit \(status)): \(message)"
        case .unreadable(let command, let output): "\(command) answered what Vigil cannot read: \(output.prefix(200))"
        }
    }
}
