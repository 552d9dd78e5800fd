import CLibSSH
import Logging

/// libssh's own messages, through swift-log as `vigil.ssh` at debug (its
/// warnings and notes) and trace (its protocol detail): silent unless the
/// operator asks. libssh keeps its log level and callback per thread, and
/// an ssh config's `LogLevel` raises the level, so each thread that drives
/// a session attaches, and each session is set back after reading its config.
enum SSHLog {
    static let logger = Logger(label: "vigil.ssh")

    /// libssh's verbosity for the logger's level: it formats nothing that would be dropped.
    static var verbosity: Int32 {
        switch logger.logLevel {
        case .trace: Int32(SSH_LOG_FUNCTIONS)
        case .debug: Int32(SSH_LOG_INFO)
        default: Int32(SSH_LOG_NOLOG)
        }
    }

    /// Route this thread's libssh messages to the logger.
    static func attach() {
        ssh_set_log_callback { priority, function, message, _ in
            guard let message else { return }
            let level: Logger.Level = priority <= Int32(SSH_LOG_INFO) ? .debug : .trace
            SSHLog.logger.log(level: level, "\(String(cString: message))",
                              metadata: function.map { ["function": "\(String(cString: $0))"] })
        }
        ssh_set_log_level(verbosity)
    }
}
