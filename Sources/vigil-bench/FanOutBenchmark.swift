import Foundation
import VigilSSH

/// `sessions` ssh sessions at once against the bench's sshds (cycling over
/// `hosts`), each connecting, verifying, logging in and running `true`:
/// the wall time of the whole fan-out, and each session's own time. With
/// `connectOnly` no command runs, which takes the remote login shell (and
/// its rc files) out of the figure.
struct FanOutBenchmark {
    let sshConfig: String
    let hosts: [String]
    let sessions: Int
    let connectOnly: Bool

    func run() async {
        let targets = (0..<sessions).map { hosts[$0 % hosts.count] }
        let config = sshConfig
        let start = ContinuousClock.now
        let results = await SSHFanOut.run(targets.indices.map { "\($0)" }, limit: sessions) { index in
            let began = ContinuousClock.now
            let session = try SSHSession(SSHTarget(host: targets[Int(index)!], configFile: config, connectTimeout: .seconds(30)))
            if !connectOnly, try session.run(["true"]).status != 0 {
                throw SSHError.channel(host: targets[Int(index)!], reason: "true failed")
            }
            return ContinuousClock.now - began
        }
        let wall = ContinuousClock.now - start
        let each = results.compactMap { try? $0.result.get() }.map { Double($0.components.attoseconds) / 1e15 + Double($0.components.seconds) * 1e3 }.sorted()
        let failed = results.count - each.count
        guard !each.isEmpty else {
            print("ssh_fanout sessions \(sessions) failed \(failed): \(results.first.map { "\($0.result)" } ?? "")")
            return
        }
        let wallMs = Double(wall.components.seconds) * 1e3 + Double(wall.components.attoseconds) / 1e15
        print(String(format: "ssh_fanout%@ sessions %d hosts %d failed %d wall_ms %.0f per_host_ms %.1f session_ms_median %.0f session_ms_p90 %.0f",
                     connectOnly ? "_connect_only" : "", sessions, hosts.count, failed, wallMs, wallMs / Double(sessions), each[each.count / 2],
                     each[min(each.count - 1, each.count * 9 / 10)]))
    }
}
