import CVigilTerminal

/// SIGINT (Ctrl-C), SIGTERM and SIGHUP as something the console's loop
/// reads: the signal only notes that it came, so the loop ends and restores
/// the terminal instead of the process dying with the terminal still taken.
public enum StopSignals {
    public static func watch() { _ = vigil_terminal_watch_stop_signals() }

    /// The signal that asked to stop, if one did.
    public static var received: Int32? {
        let signal = vigil_terminal_stop_signal()
        return signal == 0 ? nil : signal
    }
}
