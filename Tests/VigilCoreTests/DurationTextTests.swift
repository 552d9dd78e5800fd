import Testing
import VigilCore

/// One way to say a duration, everywhere.
struct DurationTextTests {
    @Test(arguments: [
        (0, "0ns"), (850, "850ns"), (12_340, "12.3µs"), (12_350, "12.4µs"), (999_949, "999.9µs"),
        (4_500_000, "4.5ms"), (2_000_000_000, "2.0s"), (59_940_000_000, "59.9s"), (60_000_000_000, "1m00s"),
        (200_000_000_000, "3m20s"), (7_500_000_000_000, "2h05m"), (3 * 86_400_000_000_000, "3d"),
    ] as [(UInt64, String)])
    func precise(ns: UInt64, text: String) {
        #expect(DurationText.precise(ns) == text)
    }

    @Test(arguments: [(999_999_999, "0s"), (4_200_000_000, "4s"), (200_000_000_000, "3m20s"), (7_500_000_000_000, "2h05m")]
          as [(UInt64, String)])
    func whole(ns: UInt64, text: String) {
        #expect(DurationText.whole(ns) == text)
    }
}
