#if canImport(Glibc)
import Glibc
#endif

/// CLOCK_MONOTONIC in ns: the clock ranks stamp their records with.
public func monotonicNanoseconds() -> UInt64 { nanoseconds(CLOCK_MONOTONIC) }

/// CLOCK_REALTIME in ns since the Unix epoch: the clock that crosses nodes.
public func wallClockNanoseconds() -> UInt64 { nanoseconds(CLOCK_REALTIME) }

private func nanoseconds(_ clock: clockid_t) -> UInt64 {
    var ts = timespec()
    clock_gettime(clock, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}
