import Testing
import VigilCore
@testable import VigilAgent

/// What a rank says of its checkpoints is checked before it goes anywhere.
struct CheckpointLineTests {
    static let identity = RankIdentity(job: "j", rank: 2, worldSize: 4, pid: 100, host: "h", attempt: 3)

    @Test func aDurableShardCarriesItsSizeChecksumAndTimes() throws {
        let event = try CheckpointLine.parse(
            "SHARD step=20 world=4 bytes=1048724 xxh3=9f2c4e1a03b5d7e8 flush_ns=5100000 blocked_ns=40000 job=train root=/local/ckpt",
            identity: Self.identity, atNs: 7)
        #expect(event == {
            var e = CheckpointShardEvent(job: "train", step: 20, rank: 2, worldSize: 4, attempt: 3, level: .local, state: .durable,
                                         bytes: 1_048_724, checksum: 0x9F2C_4E1A_03B5_D7E8, root: "/local/ckpt", atNs: 7)
            (e.durationNs, e.blockedNs) = (5_100_000, 40_000)
            return e
        }())
    }

    /// Before level 1 the rank says when its copy began and when all of it was staged.
    @Test func copyingAndStagedCarryTheStateSizeAndCopyTime() throws {
        let copying = try CheckpointLine.parse("COPYING step=20 world=4 bytes=4096 copy_ns=0 job=train root=/local/ckpt",
                                               identity: Self.identity, atNs: 7)
        #expect(copying.state == .copying && copying.level == .local && copying.bytes == 4_096 && copying.durationNs == 0)
        let staged = try CheckpointLine.parse("STAGED step=20 world=4 bytes=4096 copy_ns=2100000 job=train root=/local/ckpt",
                                              identity: Self.identity, atNs: 8)
        #expect(staged.state == .staged && staged.bytes == 4_096 && staged.durationNs == 2_100_000 && staged.rank == 2)
    }

    /// A restore says how long it took, for recovery's timeline and goodput.
    @Test func aRestoreCarriesItsTime() throws {
        let event = try CheckpointLine.parse("RESTORED step=20 world=4 level=2 restore_ns=344000000 job=train root=/local/ckpt",
                                             identity: Self.identity, atNs: 7)
        #expect(event.state == .restored && event.level == .buddy && event.step == 20 && event.durationNs == 344_000_000)
    }

    @Test func whyTakesTheRestOfTheLine() throws {
        let event = try CheckpointLine.parse("REJECTED step=20 world=4 level=3 job=train root=/shared why=a b=c: checksum mismatch",
                                             identity: Self.identity, atNs: 7)
        #expect(event.state == .rejected && event.level == .shared && event.detail == "a b=c: checksum mismatch")
    }

    @Test(arguments: ["HELLO 1 pid=3", "SHARD step=-1 world=4 bytes=1 xxh3=0 job=j root=/x",
                      "SHARD step=1 world=8 bytes=1 xxh3=0 job=j root=/x", "SHARD step=1 world=4 job=j root=/x",
                      "FAILED step=1 world=4 job=../x root=/x", "FAILED step=1 world=4 job=j root=relative",
                      "RESTORED step=1 world=4 level=4 job=j root=/x", "SHARD step=1 world=4 bytes=1 xxh3=zz job=j root=/x",
                      "STAGED step=1 world=4 copy_ns=5 job=j root=/x"])
    func aMalformedLineIsRefused(line: String) {
        #expect(throws: CheckpointLineError.self) { try CheckpointLine.parse(line, identity: Self.identity, atNs: 7) }
    }
}
