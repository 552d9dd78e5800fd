import Testing
import VigilCore

struct FlightRecorderTests {
    private func record(_ seq: UInt64) -> CollectiveRecord {
        CollectiveRecord(op: .allreduce, communicator: 1, seq: seq, enterNs: seq, exitNs: seq + 1, communicatorSize: 2)
    }

    @Test func keepsEverythingUntilFull() {
        var recorder = FlightRecorder(capacity: 4)
        for seq in 1...3 { recorder.append(record(UInt64(seq))) }
        #expect(recorder.records.map(\.seq) == [1, 2, 3])
    }

    @Test func keepsTheLastRecordsOldestFirstAfterWrapping() {
        var recorder = FlightRecorder(capacity: 4)
        for seq in 1...10 { recorder.append(record(UInt64(seq))) }
        #expect(recorder.records.map(\.seq) == [7, 8, 9, 10])
        #expect(recorder.count == 4)
    }
}
