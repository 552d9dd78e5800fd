/// Every local rank's flight recorder, oldest record first: the answer to
/// `RECORDS`, printed by `vigil agent records`, input to postmortems.
public struct FlightRecorderDump: Sendable, Equatable, Codable {
    public var host: String
    public var ranks: [Rank]

    public init(host: String, ranks: [Rank]) {
        self.host = host
        self.ranks = ranks
    }

    public struct Rank: Sendable, Equatable, Codable {
        public var identity: RankIdentity
        public var records: [CollectiveRecord]

        public init(identity: RankIdentity, records: [CollectiveRecord]) {
            self.identity = identity
            self.records = records
        }
    }
}
