/// A node's vital signs, sent with every heartbeat.
public struct NodeHealth: Sendable, Equatable, Codable {
    public struct NIC: Sendable, Equatable, Codable {
        public var name: String
        public var rxBytes: UInt64
        public var txBytes: UInt64
        public var rxErrors: UInt64
        public var txErrors: UInt64
        public var up: Bool

        public init(name: String, rxBytes: UInt64, txBytes: UInt64, rxErrors: UInt64, txErrors: UInt64, up: Bool) {
            self.name = name
            self.rxBytes = rxBytes
            self.txBytes = txBytes
            self.rxErrors = rxErrors
            self.txErrors = txErrors
            self.up = up
        }
    }

    public struct GPU: Sendable, Equatable, Codable {
        public var index: Int
        public var utilizationPercent: Int
        public var memoryUsedBytes: UInt64
        public var temperatureCelsius: Int

        public init(index: Int, utilizationPercent: Int, memoryUsedBytes: UInt64, temperatureCelsius: Int) {
            self.index = index
            self.utilizationPercent = utilizationPercent
            self.memoryUsedBytes = memoryUsedBytes
            self.temperatureCelsius = temperatureCelsius
        }
    }

    /// Wall-clock ns (Unix epoch) when measured.
    public var wallNs: UInt64
    /// CPU busy since the previous heartbeat, in ‰ of all cores.
    public var cpuBusyPermille: Int
    public var memoryTotalBytes: UInt64
    public var memoryAvailableBytes: UInt64
    /// 1-minute load average × 100.
    public var load1Centi: Int
    public var diskFreeBytes: UInt64
    public var nics: [NIC]
    public var gpus: [GPU]
    public var cpu: CPUPressure

    public init(wallNs: UInt64, cpuBusyPermille: Int, memoryTotalBytes: UInt64, memoryAvailableBytes: UInt64,
                load1Centi: Int, diskFreeBytes: UInt64, nics: [NIC] = [], gpus: [GPU] = [], cpu: CPUPressure = CPUPressure()) {
        self.wallNs = wallNs
        self.cpuBusyPermille = cpuBusyPermille
        self.memoryTotalBytes = memoryTotalBytes
        self.memoryAvailableBytes = memoryAvailableBytes
        self.load1Centi = load1Centi
        self.diskFreeBytes = diskFreeBytes
        self.nics = nics
        self.gpus = gpus
        self.cpu = cpu
    }
}
