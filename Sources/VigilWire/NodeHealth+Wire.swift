import NIOCore
import VigilCore

/// ```
/// health = varint wall | varint cpuBusy‰ | varint memTotal | varint memAvailable
///        | varint load1×100 | varint diskFree
///        | varint nics | (string name | varint rx | varint tx | varint rxErr | varint txErr | u8 up)*
///        | varint gpus | (varint index | varint util% | varint memUsed | svarint °C)*
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
        return h
    }
}
