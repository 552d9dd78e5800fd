import CLibSSH
import VigilCore

/// Output of a remote command as it arrives.
public enum SSHOutput: Sendable, Equatable {
    case stdout([UInt8])
    case stderr([UInt8])
}

/// A finished remote command: its exit status (nil when a signal ended it)
/// and what it printed.
public struct SSHCommandResult: Sendable, Equatable {
    public var status: Int32?
    public var stdout: [UInt8]
    public var stderr: [UInt8]

    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

extension SSHSession {
    /// Run `argv` on the host, each argument quoted for the remote shell,
    /// with `stdin` as its input (then end of file), streaming its output to `output`. Past `timeout` the command is sent
    /// SIGKILL, the channel closed and `.timeout` thrown.
    public func run(_ argv: [String], stdin: [UInt8] = [], timeout: Duration? = nil,
                    output: (SSHOutput) -> Void) throws(SSHError) -> Int32? {
        guard let command = ShellQuoting.command(argv) else {
            throw .invalidArgument("a command needs at least one argument and no NUL bytes")
        }
        guard let channel = ssh_channel_new(handle) else { throw .channel(host: target.host, reason: lastError) }
        defer { ssh_channel_free(channel) }
        guard ssh_channel_open_session(channel) == SSH_OK else {
            throw .channel(host: target.host, reason: "cannot open a session: \(lastError)")
        }
        defer { ssh_channel_close(channel) }
        guard ssh_channel_request_exec(channel, command) == SSH_OK else {
            throw .channel(host: target.host, reason: "cannot run the command: \(lastError)")
        }
        if !stdin.isEmpty, ssh_channel_write(channel, stdin, UInt32(stdin.count)) != Int32(stdin.count) {
            throw .channel(host: target.host, reason: "writing the command's input: \(lastError)")
        }
        ssh_channel_send_eof(channel)
        try pump(channel, deadline: timeout.map { ContinuousClock.now + $0 }, timeout: timeout, output: output)
        let status = ssh_channel_get_exit_status(channel)
        return status >= 0 ? status : nil
    }

    /// Run and collect the output.
    public func run(_ argv: [String], stdin: [UInt8] = [], timeout: Duration? = nil) throws(SSHError) -> SSHCommandResult {
        var result = SSHCommandResult(status: nil, stdout: [], stderr: [])
        result.status = try run(argv, stdin: stdin, timeout: timeout) { chunk in
            switch chunk {
            case .stdout(let bytes): result.stdout += bytes
            case .stderr(let bytes): result.stderr += bytes
            }
        }
        return result
    }

    /// Read both streams until the remote end closed them.
    private func pump(_ channel: ssh_channel, deadline: ContinuousClock.Instant?, timeout: Duration?,
                      output: (SSHOutput) -> Void) throws(SSHError) {
        var buffer = [UInt8](repeating: 0, count: 32_768)
        while true {
            let out = ssh_channel_read_timeout(channel, &buffer, UInt32(buffer.count), 0, 20)
            guard out != SSH_ERROR else { throw .channel(host: target.host, reason: "reading output: \(lastError)") }
            if out > 0 { output(.stdout(Array(buffer[0..<Int(out)]))) }
            let err = ssh_channel_read_nonblocking(channel, &buffer, UInt32(buffer.count), 1)
            guard err != SSH_ERROR else { throw .channel(host: target.host, reason: "reading errors: \(lastError)") }
            if err > 0 { output(.stderr(Array(buffer[0..<Int(err)]))) }
            if out <= 0, err <= 0, ssh_channel_is_eof(channel) != 0 { return }
            if let deadline, let timeout, ContinuousClock.now >= deadline {
                _ = ssh_channel_request_send_signal(channel, "KILL")
                throw .timeout(host: target.host, after: timeout, what: "command")
            }
        }
    }
}
