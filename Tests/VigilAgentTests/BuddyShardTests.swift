import Testing
@testable import VigilAgent

/// The header one agent sends its buddy's before a shard: checked whole
/// before a byte is written.
struct BuddyShardTests {
    static let header = BuddyShard(job: "train", step: 20, rank: 3, worldSize: 4, bytes: 1_048_724,
                                   checksum: 0x9F2C_4E1A_03B5_D7E8, from: "node-a")

    @Test func itRoundTrips() throws {
        #expect(Self.header.line == "VIGIL-SHARD 1 job=train step=20 rank=3 world=4 bytes=1048724 xxh3=9f2c4e1a03b5d7e8 from=node-a")
        #expect(try BuddyShard(line: Self.header.line) == Self.header)
    }

    @Test(arguments: [
        ("job=train", "job=../etc"), ("rank=3", "rank=4"), ("bytes=1048724", "bytes=1099511627777"),
        ("bytes=1048724", "bytes=12"), ("from=node-a", "from=a/b"), ("VIGIL-SHARD 1", "VIGIL-SHARD 2"), ("step=20", "step=-1"),
    ])
    func aBadFieldIsRefused(field: String, bad: String) {
        #expect(throws: BuddyShardError.self) { try BuddyShard(line: Self.header.line.replacingOccurrences(of: field, with: bad)) }
    }

    @Test func theEventIsTheBuddyLevels() {
        let event = Self.header.event(root: "/buddy", durationNs: 5, atNs: 9)
        #expect(event.level == .buddy && event.state == .durable && event.rank == 3 && event.checksum == Self.header.checksum)
    }
}
