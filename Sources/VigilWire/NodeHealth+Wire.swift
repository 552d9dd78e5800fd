import NIOCore
import VigilCore

/// ```
/// health = varint wall | varint cpuBusy‰ | varint memTotal | varint memAvailable
///        | varint load1×100 | varint diskFree
///        | varint nics | (string name | varint rx | varint tx | varint rxErr | varint txErr | u8 up)*
///        | varint gpus | (varint index | varint util% | varint memUsed | svarint °C)*
///        | varint cores | varint runQueue | varint iowait‰ | varint steal‰
///        | svarint cpuStall‰ | svarint memoryStall‰            (−1: unknown)
/// ```
extension ByteBuffer {
    public mutating func writeNodeHealth(_ h: NodeHealth) {
        writeVarint(h.wallNs)
        writeVarint(UInt64(h.cpuBusyPermille))
        writeVarint(h.memoryTotalBytes)
        writeVarint(h.memoryAvailableBytes)
        writeVarint(UInt64(h.load1Centi))
        writeVarint(h.diskFreeBytes)
        writeVarint(UInt64(h.nics.count))
        for nic in h.nics {
            writeWireString(nic.name)
            for value in [nic.rxBytes, nic.txBytes, nic.rxErrors, nic.txErrors] { writeVarint(value) }
            writeInteger(UInt8(nic.up ? 1 : 0))
        }
        writeVarint(UInt64(h.gpus.count))
        for gpu in h.gpus {
            writeVarint(UInt64(gpu.index))
            writeVarint(UInt64(gpu.utilizationPercent))
            writeVarint(gpu.memoryUsedBytes)
            writeSignedVarint(Int64(gpu.temperatureCelsius))
        }
        for value in [h.cpu.cores, h.cpu.runQueue, h.cpu.iowaitPermille, h.cpu.stealPermille] { writeVarint(UInt64(value)) }
        writeSignedVarint(Int64(h.cpu.stallPermille))
        writeSignedVarint(Int64(h.cpu.memoryStallPermille))
    }

    public mutating func readNodeHealth() throws(WireError) -> NodeHealth {
        var h = NodeHealth(
            wallNs: try readVarint(),
            cpuBusyPermille: try readVarint(as: Int.self, in: 0...1_000, "cpu busy ‰"),
            memoryTotalBytes: try readVarint(),
            memoryAvailableBytes: try readVarint(),
            load1Centi: try readVarint(as: Int.self, in: 0...100_000_000, "load average"),
            diskFreeBytes: try readVarint())
        guard h.memoryAvailableBytes <= h.memoryTotalBytes else { throw .valueOutOfRange("available memory") }
        let nics = try readVarint(as: Int.self, in: 0...256, "NIC count")
        for _ in 0..<nics {
            let name = try readWireString(maxLength: 32, "NIC name")
            let rx = try readVarint(), tx = try readVarint(), rxErrors = try readVarint(), txErrors = try readVarint()
            guard let up = readInteger(as: UInt8.self), up <= 1 else { throw .valueOutOfRange("NIC state") }
            h.nics.append(.init(name: name, rxBytes: rx, txBytes: tx, rxErrors: rxErrors, txErrors: txErrors, up: up == 1))
        }
        let gpus = try readVarint(as: Int.self, in: 0...64, "GPU count")
        for _ in 0..<gpus {
            let index = try readVarint(as: Int.self, in: 0...1_023, "GPU index")
            let utilization = try readVarint(as: Int.self, in: 0...100, "GPU utilization")
            let memory = try readVarint()
            let temperature = try readSignedVarint()
            guard (-100...200).contains(temperature) else { throw .valueOutOfRange("GPU temperature") }
            h.gpus.append(.init(index: index, utilizationPercent: utilization, memoryUsedBytes: memory,
                                temperatureCelsius: Int(temperature)))
        }
        h.cpu = try readCPUPressure()
        return h
    }

    private mutating func readCPUPressure() throws(WireError) -> CPUPressure {
        let cores = try readVarint(as: Int.self, in: 0...65_536, "cores")
        let runQueue = try readVarint(as: Int.self, in: 0...10_000_000, "run queue")
        let iowait = try readVarint(as: Int.self, in: 0...1_000, "iowait ‰")
        let steal = try readVarint(as: Int.self, in: 0...1_000, "steal ‰")
        let stall = try readSignedVarint(), memoryStall = try readSignedVarint()
        guard (-1...1_000).contains(stall), (-1...1_000).contains(memoryStall) else { throw .valueOutOfRange("pressure stall ‰") }
        return CPUPressure(cores: cores, runQueue: runQueue, iowaitPermille: iowait, stealPermille: steal,
                           stallPermille: Int(stall), memoryStallPermille: Int(memoryStall))
    }
}
