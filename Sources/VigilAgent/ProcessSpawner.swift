import CVigilSpawn
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// posix_spawn with what Foundation's Process cannot do: a new session
/// (so one signal to the group reaches everything the child forks) and
/// output straight into files.
enum ProcessSpawner {
    static func spawnInNewSession(_ argv: [String], environment extra: [String: String], stdout: String,
                                  stderr: String) throws(JobRunnerError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        // The job's own eyes only, and never through a planted symlink.
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0o600)
        // Nothing else of the agent's: an inherited client socket would keep
        // that client waiting for EOF as long as the job runs.
        vigil_spawn_close_from(&actions, 3)
        vigil_spawn_new_session(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)  // the agent's blocked signals are not the job's
        posix_spawnattr_setsigdefault(&attributes, &all)

        var environment = ProcessInfo.processInfo.environment
        environment.merge(extra) { $1 }
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        let args: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { (envp + args).forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &actions, &attributes, args, envp)
        guard rc == 0 else { throw .spawn("\(argv[0]): \(String(cString: strerror(rc)))") }
        return pid
    }
}
