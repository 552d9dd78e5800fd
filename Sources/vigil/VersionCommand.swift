import ArgumentParser
import CLibSSH
import CNcursesw
import CSQLite

enum VigilVersion {
    static let string = "0.1.0"
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print the version of vigil and of the system libraries it runs on.")

    func run() {
        print("vigil \(VigilVersion.string)")
        print("ncursesw \(String(cString: curses_version()))")
        print("sqlite \(String(cString: sqlite3_libversion()))")
        print("libssh \(String(cString: ssh_version(0)))")
    }
}
